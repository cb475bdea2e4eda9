package io.sparkdnn.ml;

import io.sparkdnn.data.BadRowPolicy;
import io.sparkdnn.engine.Token;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * Spark ML's {@code handleInvalid} (as in VectorAssembler and StringIndexer) for spark-dnn's
 * estimators and models: what to do with an invalid row — a null, NaN or infinite feature, the
 * wrong number of features, a null or unknown label, a bad row weight, a feature the model's
 * scaling takes beyond float's range. The counterpart of {@code data.bad-rows} of the command line.
 */
public enum HandleInvalid implements Token {
  /** Fail with an error naming the column and the row ({@code data.bad-rows = fail}). */
  ERROR("error"),
  /** Leave the row out: of training in fit, of the output in transform, of the metrics in evaluate. */
  SKIP("skip"),
  /**
   * As skip in fit and evaluate (there is nothing to learn from or to measure); transform keeps the
   * row, with nulls in the prediction columns.
   */
  KEEP("keep");

  static final String DOC = "what to do with an invalid row (a null, NaN or infinite feature, the wrong number of "
      + "features, a null or unknown label, a bad weight): error fails naming the row; skip leaves it out of "
      + "training, of transform's output and of evaluate's metrics; keep is skip, except that transform keeps the "
      + "row with null predictions (data.bad-rows)";

  /** What an error about an invalid row ends with in the ML API. */
  static final String REMEDY = "; fix or remove the row, or set handleInvalid to skip (or keep) to pass over such rows";

  private final String token;

  HandleInvalid(String token) {
    this.token = token;
  }

  @Override
  public String token() {
    return token;
  }

  /** The project's bad-row policy: fail for error, skip otherwise (rows left unscored carry nulls). */
  public BadRowPolicy policy() {
    return this == ERROR ? BadRowPolicy.FAIL : BadRowPolicy.SKIP;
  }

  /** @throws IllegalArgumentException for a value that is not error, skip or keep */
  public static HandleInvalid fromToken(String token) {
    return Token.parse(HandleInvalid.class, token, "handleInvalid");
  }

  /**
   * {@code action}'s result; a bad row it fails on is rethrown saying what to do ({@link #REMEDY}).
   * (A bad row in a lazy transform fails later, in the action that runs it: there the scoring task
   * adds the remedy itself, see {@code ModelScoring.score}.)
   */
  static <T> T explained(java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (io.sparkdnn.data.BadRowException e) {
      throw e.withRemedy(REMEDY);
    }
  }

  /** The param of {@code owner}, defaulting to error. */
  static Param<String> param(Params owner) {
    return TrainingParams.choice(owner, owner.getClass().getSimpleName(), "handleInvalid", null, DOC,
        HandleInvalid.class, ERROR);
  }
}
