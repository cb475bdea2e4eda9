package io.sparkdnn.data;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Which columns to use and how to prepare rows for training. Immutable. */
public final class DataSettings implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<String> features;
  private final List<String> labels;
  private final List<String> idColumns;
  private final ScalingMode scaling;
  private final BadRowPolicy badRows;
  private final int partitions;
  private final int blockRows;
  private final double validationFraction;

  /**
   * @param features feature columns, or ["*"] for every column but labels and ids
   * @param partitions 0 for Spark's default parallelism
   * @param validationFraction share of training rows held out when no validation data is given
   */
  public DataSettings(List<String> features, List<String> labels, List<String> idColumns,
      ScalingMode scaling, BadRowPolicy badRows, int partitions, int blockRows, double validationFraction) {
    if (partitions < 0) {
      throw new IllegalArgumentException("data.partitions must be ≥ 0 (0 = Spark's default), found " + partitions);
    }
    if (blockRows < PackingOptions.CHUNK_ROWS) {
      throw new IllegalArgumentException(
          "data.block-rows must be ≥ " + PackingOptions.CHUNK_ROWS + ", found " + blockRows);
    }
    if (!(validationFraction >= 0 && validationFraction < 1)) {
      throw new IllegalArgumentException(
          "data.validation-fraction must be in [0, 1), found " + validationFraction);
    }
    if (features.isEmpty()) {
      throw new IllegalArgumentException("data.features names no column");
    }
    this.features = List.copyOf(features);
    this.labels = List.copyOf(labels);
    this.idColumns = List.copyOf(idColumns);
    this.scaling = scaling;
    this.badRows = badRows;
    this.partitions = partitions;
    this.blockRows = blockRows;
    this.validationFraction = validationFraction;
  }

  public List<String> features() { return features; }
  public List<String> labels() { return labels; }
  public List<String> idColumns() { return idColumns; }
  public ScalingMode scaling() { return scaling; }
  public BadRowPolicy badRows() { return badRows; }
  public int partitions() { return partitions; }
  public int blockRows() { return blockRows; }
  public double validationFraction() { return validationFraction; }

  public Map<String, Object> toProperties() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("data.features", features);
    p.put("data.label", labels);
    p.put("data.id-columns", idColumns);
    p.put("data.scaling", scaling.token());
    p.put("data.bad-rows", badRows.token());
    p.put("data.partitions", partitions);
    p.put("data.block-rows", blockRows);
    p.put("data.validation-fraction", validationFraction);
    return p;
  }
}
