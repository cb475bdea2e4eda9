package io.sparkdnn.data;

import io.sparkdnn.engine.Ranges;
import io.sparkdnn.results.Json;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which columns to use and how to prepare rows for training (the {@code data} section of the
 * configuration, without the sources). Immutable; every value is checked here, naming its key.
 */
public final class DataSettings implements Serializable {
  private static final long serialVersionUID = 2L;

  private final List<String> features;
  private final List<String> labels;
  private final List<String> idColumns;
  private final ScalingMode scaling;
  private final ScalingMode targetScaling;
  private final BadRowPolicy badRows;
  private final int partitions;
  private final int blockRows;
  private final double validationFraction;
  private final String weightColumn;
  private final ClassWeights classWeights;
  private final DataLayout layout;

  /**
   * @param features feature columns, or ["*"] for every column but labels and ids
   * @param partitions 0 for Spark's default parallelism
   * @param validationFraction share of training rows held out when no validation data is given
   */
  public DataSettings(List<String> features, List<String> labels, List<String> idColumns,
      ScalingMode scaling, BadRowPolicy badRows, int partitions, int blockRows, double validationFraction) {
    this(features, labels, idColumns, scaling, ScalingMode.STANDARD, badRows, partitions, blockRows,
        validationFraction);
  }

  /**
   * @param targetScaling regression targets: {@link ScalingMode#STANDARD} or {@link ScalingMode#NONE}
   */
  public DataSettings(List<String> features, List<String> labels, List<String> idColumns,
      ScalingMode scaling, ScalingMode targetScaling, BadRowPolicy badRows, int partitions, int blockRows,
      double validationFraction) {
    this(features, labels, idColumns, scaling, targetScaling, badRows, partitions, blockRows, validationFraction,
        null, ClassWeights.none());
  }

  /**
   * @param weightColumn the column of per-row weights (data.weight), or null for none
   * @param classWeights how classes are weighted in the training loss (data.class-weights)
   */
  public DataSettings(List<String> features, List<String> labels, List<String> idColumns,
      ScalingMode scaling, ScalingMode targetScaling, BadRowPolicy badRows, int partitions, int blockRows,
      double validationFraction, String weightColumn, ClassWeights classWeights) {
    this(features, labels, idColumns, scaling, targetScaling, badRows, partitions, blockRows, validationFraction,
        weightColumn, classWeights, DataLayout.AUTO);
  }

  /**
   * @param layout how feature rows are packed: dense, sparse (CSR), or auto (from the input)
   */
  public DataSettings(List<String> features, List<String> labels, List<String> idColumns,
      ScalingMode scaling, ScalingMode targetScaling, BadRowPolicy badRows, int partitions, int blockRows,
      double validationFraction, String weightColumn, ClassWeights classWeights, DataLayout layout) {
    if (targetScaling != ScalingMode.STANDARD && targetScaling != ScalingMode.NONE) {
      throw new IllegalArgumentException("data.target-scaling must be standard or none, found " + targetScaling.token());
    }
    Ranges.between("data.partitions", partitions, 0, 1_000_000);
    Ranges.between("data.block-rows", blockRows, PackingOptions.CHUNK_ROWS, 1 << 20);
    Ranges.fraction("data.validation-fraction", validationFraction);
    if (features.isEmpty()) {
      throw new IllegalArgumentException("data.features names no column");
    }
    this.features = List.copyOf(features);
    this.labels = List.copyOf(labels);
    this.idColumns = List.copyOf(idColumns);
    this.scaling = scaling;
    this.targetScaling = targetScaling;
    this.badRows = badRows;
    this.partitions = partitions;
    this.blockRows = blockRows;
    this.validationFraction = validationFraction;
    this.weightColumn = weightColumn;
    this.classWeights = java.util.Objects.requireNonNull(classWeights, "data.class-weights");
    if (weightColumn != null && (this.labels.contains(weightColumn) || this.features.contains(weightColumn))) {
      throw new IllegalArgumentException("data.weight '" + weightColumn + "' is also a feature or label column");
    }
    this.layout = java.util.Objects.requireNonNull(layout, "data.layout");
  }

  /** A builder with the defaults of conf/defaults.conf (features "features", label "label", auto scaling, …). */
  public static Builder builder() {
    return new Builder();
  }

  public List<String> features() { return features; }
  public List<String> labels() { return labels; }
  public List<String> idColumns() { return idColumns; }
  public ScalingMode scaling() { return scaling; }
  /** How regression targets are scaled for training: standard or none. */
  public ScalingMode targetScaling() { return targetScaling; }
  public BadRowPolicy badRows() { return badRows; }
  public int partitions() { return partitions; }
  public int blockRows() { return blockRows; }
  public double validationFraction() { return validationFraction; }
  /** The column of per-row weights, or null when every row weighs 1. */
  public String weightColumn() { return weightColumn; }
  public ClassWeights classWeights() { return classWeights; }
  /** How feature rows are packed (data.layout); auto is resolved against the data when training starts. */
  public DataLayout layout() { return layout; }

  /** These settings as configuration keys and values in the form {@code --set key=value} takes. */
  public Map<String, String> toConfiguration() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("data.features", list(features));
    c.put("data.label", list(labels));
    c.put("data.id-columns", list(idColumns));
    c.put("data.scaling", scaling.token());
    c.put("data.target-scaling", targetScaling.token());
    c.put("data.bad-rows", badRows.token());
    c.put("data.partitions", Integer.toString(partitions));
    c.put("data.block-rows", Integer.toString(blockRows));
    c.put("data.validation-fraction", Double.toString(validationFraction));
    c.put("data.weight", weightColumn == null ? "null" : weightColumn);
    c.put("data.class-weights", classWeights.toConfiguration());
    c.put("data.layout", layout.token());
    return c;
  }

  /** A list as a JSON array, which configuration files and --set read as a list. */
  private static String list(List<String> values) {
    try {
      return Json.MAPPER.writeValueAsString(values);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Defaults: those of conf/defaults.conf (a test holds them equal). */
  public static final class Builder {
    private List<String> features = List.of("features");
    private List<String> labels = List.of("label");
    private List<String> idColumns = List.of();
    private ScalingMode scaling = ScalingMode.AUTO;
    private ScalingMode targetScaling = ScalingMode.STANDARD;
    private BadRowPolicy badRows = BadRowPolicy.FAIL;
    private int partitions = 0;
    private int blockRows = 8192;
    private double validationFraction = 0.1;
    private String weightColumn;
    private ClassWeights classWeights = ClassWeights.none();
    private DataLayout layout = DataLayout.AUTO;

    private Builder() {}

    /** Null for no weights. */
    public Builder weightColumn(String v) { weightColumn = v; return this; }
    public Builder classWeights(ClassWeights v) { classWeights = v; return this; }

    public Builder features(List<String> v) { features = v; return this; }
    public Builder labels(List<String> v) { labels = v; return this; }
    public Builder idColumns(List<String> v) { idColumns = v; return this; }
    public Builder scaling(ScalingMode v) { scaling = v; return this; }
    public Builder targetScaling(ScalingMode v) { targetScaling = v; return this; }
    public Builder badRows(BadRowPolicy v) { badRows = v; return this; }
    public Builder partitions(int v) { partitions = Ranges.between("data.partitions", v, 0, 1_000_000); return this; }
    public Builder blockRows(int v) {
      blockRows = Ranges.between("data.block-rows", v, PackingOptions.CHUNK_ROWS, 1 << 20);
      return this;
    }
    public Builder validationFraction(double v) {
      validationFraction = Ranges.fraction("data.validation-fraction", v);
      return this;
    }

    public Builder layout(DataLayout v) { layout = v; return this; }

    public DataSettings build() {
      return new DataSettings(features, labels, idColumns, scaling, targetScaling, badRows, partitions, blockRows,
          validationFraction, weightColumn, classWeights, layout);
    }
  }
}
