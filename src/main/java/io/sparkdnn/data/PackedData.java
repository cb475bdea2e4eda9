package io.sparkdnn.data;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Cached, packed rows: the training blocks every epoch reads, and the validation blocks. Both may
 * come from one cached RDD split by row id, or from two separately packed datasets.
 */
public final class PackedData {
  private final JavaRDD<PackedBlock> training;
  private final JavaRDD<PackedBlock> validation;
  private final List<JavaRDD<PackedBlock>> cached;
  private final long trainingRows;
  private final long validationRows;
  private final long payloadBytes;
  private final Map<BadRowReason, Long> skipped;
  private final int partitions;
  private final String dataName;
  /** True when the blocks hold their features as non-zeros (CSR). */
  private boolean sparse;
  /** Non-zero features stored, over training and validation blocks; 0 for dense blocks. */
  private long nonZeros;
  private final boolean weighted;
  /** Training and validation rows whose weight is above 0 (all rows without a weight column). */
  private long trainingRowsOfWeight;
  private long validationRowsOfWeight;
  /** How the rows were read: bad rows failing the read or skipped (and then left out of metrics too). */
  private BadRowPolicy badRows = BadRowPolicy.FAIL;
  /** The training rows' profile when packing computed it, else null. */
  private DataProfile trainingProfile;
  /** The data the training and the validation rows were read from (driver side, to name a row), and their names. */
  private Dataset<Row> trainingSource;
  private String trainingName;
  private Dataset<Row> validationSource;
  private String validationName;

  PackedData(
      JavaRDD<PackedBlock> blocks, long trainingRows, long validationRows, long payloadBytes,
      Map<BadRowReason, Long> skipped, int partitions, String dataName, boolean weighted) {
    this(trainingRows > 0 ? blocks.filter(b -> !b.isValidation()) : null,
        validationRows > 0 ? blocks.filter(PackedBlock::isValidation) : null,
        List.of(blocks), trainingRows, validationRows, payloadBytes, skipped, partitions, dataName, weighted);
  }

  private PackedData(
      JavaRDD<PackedBlock> training, JavaRDD<PackedBlock> validation, List<JavaRDD<PackedBlock>> cached,
      long trainingRows, long validationRows, long payloadBytes, Map<BadRowReason, Long> skipped,
      int partitions, String dataName, boolean weighted) {
    this.weighted = weighted;
    this.training = training;
    this.validation = validation;
    this.cached = List.copyOf(cached);
    this.trainingRows = trainingRows;
    this.validationRows = validationRows;
    this.payloadBytes = payloadBytes;
    this.skipped = Map.copyOf(skipped);
    this.partitions = partitions;
    this.dataName = dataName;
    this.trainingRowsOfWeight = trainingRows;
    this.validationRowsOfWeight = validationRows;
  }

  /** This data, with {@code training} training and {@code validation} validation rows of weight above 0. */
  PackedData withRowsOfWeight(long training, long validation) {
    this.trainingRowsOfWeight = training;
    this.validationRowsOfWeight = validation;
    return this;
  }

  /**
   * Throws when rows are there but all have weight 0 — a weighted mean over them is 0/0: the
   * training rows give nothing to learn from, the validation rows (test rows, when this is held-out
   * data) no loss or metric.
   *
   * @param trainingName how messages name the training rows' data
   * @param validationName how they name the validation rows (e.g. "the test data (data.test.path=t.csv)")
   * @param weightColumn the weight column, named in the message; null (no row weights) checks nothing
   * @throws DataException naming the rows, their count, the weight column and what to do
   */
  public void requireRowsOfWeight(String trainingName, String validationName, String weightColumn) {
    if (weightColumn == null) {
      return;
    }
    String in = " in weight column '" + weightColumn + "'";
    if (trainingRows > 0 && trainingRowsOfWeight == 0) {
      throw new DataException(trainingName + ": all " + trainingRows + " training rows have weight 0" + in
          + ", so there is nothing to learn from; give some of them a weight above 0");
    }
    if (validationRows > 0 && validationRowsOfWeight == 0) {
      throw new DataException(validationName + ": all " + validationRows + " rows have weight 0" + in
          + ", so their loss and metrics are 0/0; give some of them a weight above 0");
    }
  }

  /** This data, recorded as sparse (or not) with {@code nonZeros} stored non-zeros. */
  PackedData withSparseRows(boolean sparseRows, long storedNonZeros) {
    this.sparse = sparseRows;
    this.nonZeros = storedNonZeros;
    return this;
  }

  /** This data, recorded as read under {@code policy}. */
  PackedData withBadRows(BadRowPolicy policy) {
    this.badRows = policy;
    return this;
  }

  /**
   * The bad-row policy the rows were read under (of the validation rows, for data that joins two
   * reads); an evaluation of rows read under {@link BadRowPolicy#SKIP} skips the rows the network
   * overflows on as well.
   */
  public BadRowPolicy badRows() {
    return badRows;
  }

  /** This data with the training rows' profile, computed in the packing pass. */
  PackedData withTrainingProfile(DataProfile profile) {
    this.trainingProfile = profile;
    return this;
  }

  /**
   * The training rows' profile (feature statistics, class counts or target statistics), computed
   * in the pass that counted the packed blocks; null unless {@link BlockPacker} was asked for it.
   */
  public DataProfile trainingProfile() {
    return trainingProfile;
  }

  /**
   * This data with its training rows read from {@code training} and its validation rows from
   * {@code validation}, known to the user by those names (a source may be null: rows are then
   * named by number alone).
   */
  PackedData withSources(Dataset<Row> training, String trainingName, Dataset<Row> validation, String validationName) {
    this.trainingSource = training;
    this.trainingName = trainingName;
    this.validationSource = validation;
    this.validationName = validationName;
    return this;
  }

  /**
   * {@code problem}, a failure of the validation row with id {@code rowId} (a row's id as its
   * block holds it), placed at that row: its number in the data it was read from, or its file and
   * number there, prefixed with that data's name. Costs one Spark job; for error paths.
   */
  public BadRowException atValidationRow(long rowId, BadRowException problem) {
    return at(rowId, problem, validationSource, validationName);
  }

  /** {@link #atValidationRow} for a training row. */
  public BadRowException atTrainingRow(long rowId, BadRowException problem) {
    return at(rowId, problem, trainingSource, trainingName);
  }

  private static BadRowException at(long rowId, BadRowException problem, Dataset<Row> source, String name) {
    BadRowException located = source == null ? problem.atRow(rowId + 1) : Failures.atRowId(problem, rowId, source);
    return name == null ? located : located.in(name);
  }

  /** Training rows from {@code train} and all rows of {@code heldOut} as validation. */
  public static PackedData withValidation(PackedData train, PackedData heldOut) {
    List<JavaRDD<PackedBlock>> cached = new ArrayList<>(train.cached);
    cached.addAll(heldOut.cached);
    Map<BadRowReason, Long> skipped = new EnumMap<>(BadRowReason.class);
    skipped.putAll(train.skipped);
    heldOut.skipped.forEach((k, v) -> skipped.merge(k, v, Long::sum));
    return new PackedData(train.training, heldOut.validation, cached, train.trainingRows,
        heldOut.validationRows, train.payloadBytes + heldOut.payloadBytes, skipped, train.partitions,
        train.dataName, train.weighted).withSparseRows(train.sparse, train.nonZeros + heldOut.nonZeros)
        .withTrainingProfile(train.trainingProfile).withRowsOfWeight(train.trainingRowsOfWeight,
            heldOut.validationRowsOfWeight).withSources(train.trainingSource,
            train.trainingName, heldOut.validationSource, heldOut.validationName).withBadRows(heldOut.badRows);
  }

  /** Training blocks; null when there are no training rows. */
  public JavaRDD<PackedBlock> training() {
    return training;
  }

  /** Validation blocks; null when there are no validation rows. */
  public JavaRDD<PackedBlock> validation() {
    return validation;
  }

  public long trainingRows() {
    return trainingRows;
  }

  public long validationRows() {
    return validationRows;
  }

  /** Bytes of the packed arrays (features, targets, ids). */
  public long payloadBytes() {
    return payloadBytes;
  }

  /** True when the blocks hold their features as non-zeros (CSR): {@link io.sparkdnn.data.DataLayout#SPARSE}. */
  public boolean isSparse() {
    return sparse;
  }

  /** Non-zero feature values stored in sparse blocks (training and validation); 0 when dense. */
  public long nonZeros() {
    return nonZeros;
  }

  /** Rows left out as bad, per reason (empty unless bad rows are skipped). */
  public Map<BadRowReason, Long> skipped() {
    return skipped;
  }

  public long skippedRows() {
    return skipped.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Whether the rows carry weights (a weight column). */
  public boolean weighted() {
    return weighted;
  }

  public int partitions() {
    return partitions;
  }

  public String dataName() {
    return dataName;
  }

  /** The cached RDDs behind this data, e.g. to look up their storage. */
  public List<JavaRDD<PackedBlock>> cachedRdds() {
    return cached;
  }

  public void release() {
    for (JavaRDD<PackedBlock> rdd : cached) {
      rdd.unpersist(false);
    }
  }
}
