package io.sparkdnn.ml;

import io.sparkdnn.data.Columns;
import io.sparkdnn.data.InputColumns;
import io.sparkdnn.engine.BlasBackend;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.results.EvaluationResult;
import io.sparkdnn.results.FeatureImportance;
import io.sparkdnn.scoring.ImportanceSettings;
import io.sparkdnn.scoring.ModelScoring;
import io.sparkdnn.scoring.ScoreColumn;
import io.sparkdnn.serve.Scorer;
import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * What every fitted spark-dnn ML model holds and does the same way: the trained network (the
 * project's {@link DnnModel}), the training summary when there is one, scoring a DataFrame in
 * batches through {@link ModelScoring#score} (lazy; batch or streaming), scoring one vector, and
 * evaluation. A model created empty (Spark Connect's no-argument constructor) holds no network
 * until {@code load} makes one; using it before fails with IllegalStateException. Public only as
 * the type of {@link DnnFittedModel#fittedNetwork()}; its methods are the library's own.
 */
public final class FittedNetwork implements Serializable {
  private static final long serialVersionUID = 1L;

  private final DnnModel model;
  private final DnnTrainingSummary summary;
  private transient Scorer scorer;

  FittedNetwork(DnnModel model, DnnTrainingSummary summary) {
    this.model = model;
    this.summary = summary;
  }

  static FittedNetwork empty() {
    return new FittedNetwork(null, null);
  }

  /** The network; IllegalStateException for an empty model. */
  DnnModel model(Identifiable owner) {
    if (model == null) {
      throw new IllegalStateException(owner.uid() + " holds no trained network: models come from fit() or load(path)");
    }
    return model;
  }

  /**
   * The shape of {@code featuresCol} ({@link MlSchemas#features}), refused up front when its ML
   * attribute gives a width other than the network's ({@link MlSchemas#requireWidth}).
   */
  InputColumns.Shape features(StructType schema, String featuresCol, Identifiable owner) {
    InputColumns.Shape shape = MlSchemas.features(schema, featuresCol, owner);
    if (model != null && shape == InputColumns.Shape.VECTOR) {
      MlSchemas.requireWidth(schema, featuresCol, model.columns().width(), owner);
    }
    return shape;
  }

  boolean hasModel() {
    return model != null;
  }

  DnnTrainingSummary summary() {
    return summary;
  }

  /**
   * {@code data} with {@code added} (name → what; empty names left out), read from the features
   * in {@code featuresCol}; every input column kept. An invalid row fails the job ({@code error}),
   * is dropped ({@code skip}), or is kept with nulls in the added columns ({@code keep}).
   */
  Dataset<Row> score(Identifiable owner, Dataset<?> data, String featuresCol, Map<String, ScoreColumn> added,
      float threshold, double[] thresholds, HandleInvalid invalid) {
    DnnModel m = model(owner);
    Dataset<Row> rows = data.toDF();
    InputColumns columns = m.columns().reading(featuresCol, features(rows.schema(), featuresCol, owner),
        null);
    Map<String, ScoreColumn> named = new LinkedHashMap<>();
    added.forEach((name, what) -> {
      if (!name.isEmpty()) {
        named.put(name, what);
      }
    });
    Dataset<Row> scored = ModelScoring.score(m, columns, rows, Arrays.asList(rows.columns()), named,
        invalid.policy(), "input data (" + owner.uid() + ")", threshold, thresholds, null, HandleInvalid.REMEDY);
    if (invalid == HandleInvalid.SKIP && !named.isEmpty()) {
      // a scored row has a value in every added column; a row left unscored has nulls in all of them
      scored = scored.filter(Columns.col(scored, named.keySet().iterator().next()).isNotNull());
    }
    return scored;
  }

  /** The network's output-layer pre-activations for one row of raw features (see {@link Scorer#logits}). */
  float[] logits(Identifiable owner, Vector features) {
    return scorer(owner).logits(floats(features));
  }

  /** The network's outputs for one row of raw features: probabilities, or targets in their units. */
  float[] outputs(Identifiable owner, Vector features) {
    return scorer(owner).score(floats(features)).outputs();
  }

  private Scorer scorer(Identifiable owner) {
    if (scorer == null) {
      scorer = Scorer.of(model(owner));
    }
    return scorer;
  }

  private static float[] floats(Vector features) {
    double[] values = features.toArray();
    float[] row = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      row[i] = (float) values[i];
    }
    return row;
  }

  /** Metrics of the network on labelled {@code data} (one pass), rows weighted by {@code weightCol} if not empty. */
  EvaluationResult evaluate(Identifiable owner, Dataset<?> data, String featuresCol, String labelCol,
      String weightCol, float threshold, HandleInvalid invalid) {
    DnnModel m = model(owner);
    Dataset<Row> rows = data.toDF();
    InputColumns columns = m.columns().reading(featuresCol, features(rows.schema(), featuresCol, owner),
        labelCol);
    int partitions = rows.sparkSession().sparkContext().defaultParallelism();
    return HandleInvalid.explained(() -> ModelScoring.evaluate(m, columns, rows, partitions, invalid.policy(),
        BlasBackend.AUTO, "evaluation data (" + owner.uid() + ")",
        weightCol == null || weightCol.isEmpty() ? null : weightCol, threshold));
  }

  /**
   * Permutation importance of the network on labelled {@code data}, reading {@code featuresCol} and
   * {@code labelCol}; see {@link ModelScoring#importance}.
   */
  FeatureImportance importance(Identifiable owner, Dataset<?> data, String featuresCol, String labelCol,
      ImportanceSettings settings, HandleInvalid invalid) {
    DnnModel m = model(owner);
    Dataset<Row> rows = data.toDF();
    InputColumns columns = m.columns().reading(featuresCol, features(rows.schema(), featuresCol, owner),
        labelCol);
    return HandleInvalid.explained(() -> ModelScoring.importance(m, columns, rows,
        rows.sparkSession().sparkContext().defaultParallelism(), invalid.policy(), BlasBackend.AUTO,
        "input data (" + owner.uid() + ")", settings));
  }

  /** Bytes the model takes in memory, about: its weights as floats plus a little for the rest. */
  long estimatedSize() {
    return model == null ? 1024 : 4L * model.spec().parameterCount() + 4096;
  }
}
