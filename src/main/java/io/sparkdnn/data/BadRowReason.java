package io.sparkdnn.data;

/** Why a row was refused; skipped rows are counted per reason. */
public enum BadRowReason {
  NULL_FEATURE("null feature"),
  NON_FINITE_FEATURE("NaN or infinite feature, or one beyond float's range (as read or once scaled)"),
  NON_NUMERIC_FEATURE("feature that is not a number"),
  MALFORMED_LINE("line the reader could not parse (a CSV line with more or fewer fields than the header, "
      + "a broken JSON line)"),
  WRONG_WIDTH("wrong number of features"),
  /** Finite features that overflow inside the network (prediction and evaluation of a trained model). */
  NON_FINITE_OUTPUT("feature vector the network answers with NaN or infinity (far outside the training data's range)"),
  BAD_SPARSE_INDEX("sparse vector index out of range, repeated or out of order"),
  NULL_LABEL("null, NaN or infinite label"),
  UNKNOWN_LABEL("label not known to the model"),
  NON_NUMERIC_TARGET("target that is not a number"),
  BAD_TARGET("target that is null, NaN or infinite (or not 0/1 for multi-label)"),
  BAD_WEIGHT("weight that is null, negative or not a finite number");

  private final String description;

  BadRowReason(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }
}
