package io.sparkdnn.train;

import com.esotericsoftware.kryo.Kryo;
import io.sparkdnn.data.BadRowReason;
import io.sparkdnn.data.BlockPacker;
import io.sparkdnn.data.CsrRows;
import io.sparkdnn.data.DataProfile;
import io.sparkdnn.data.FeatureStatistics;
import io.sparkdnn.data.PackedBlock;
import io.sparkdnn.engine.LossAccumulator;
import io.sparkdnn.engine.Task;
import io.sparkdnn.scoring.EvaluationAccumulator;
import io.sparkdnn.scoring.ImportanceAccumulator;
import io.sparkdnn.optim.OptimizerState;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.serializer.KryoRegistrator;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Registers every class that travels between driver and executors (cached blocks, broadcasts,
 * task results), so that Kryo writes a small id instead of a class name — and so that
 * {@code spark.kryo.registrationRequired=true}, which the tests run with, proves nothing is missed.
 */
public final class DnnKryoRegistrator implements KryoRegistrator {

  @Override
  public void registerClasses(Kryo kryo) {
    kryo.register(PackedBlock.class);
    kryo.register(CsrRows.class);
    kryo.register(TouchedRows.class);
    kryo.register(BlockPacker.SourceChunk.class);
    kryo.register(BlockPacker.Tally.class);
    kryo.register(io.sparkdnn.data.Failures.FileCounts.class);
    kryo.register(BlockPacker.PartitionEnd.class);
    kryo.register(io.sparkdnn.data.DistinctLabels.class);
    kryo.register(io.sparkdnn.data.DistinctLabels.Coded.class); // labels found while packing
    kryo.register(java.util.ArrayList.class);
    kryo.register(java.util.HashSet.class);
    kryo.register(java.util.HashMap.class); // DistinctLabels' counts
    kryo.register(java.util.LinkedHashMap.class); // Failures.firstRowsHolding's rows per partition
    kryo.register(RoundAccumulator.class);
    kryo.register(LossAccumulator.class);
    kryo.register(EvaluationAccumulator.class);
    kryo.register(ImportanceAccumulator.class);
    kryo.register(RangeTestAccumulator.class);
    kryo.register(FeatureStatistics.class);
    kryo.register(DataProfile.class);
    kryo.register(ModelState.class);
    kryo.register(OptimizerState.class);
    kryo.register(Task.class);
    kryo.register(BadRowReason.class);
    kryo.register(float[].class);
    kryo.register(float[][].class);
    kryo.register(double[].class);
    kryo.register(long[].class);
    kryo.register(int[].class);
    kryo.register(String[].class);
    registerSchemaClasses(kryo);
    registerSparkMlClasses(kryo);
  }

  /**
   * What Spark ML's classification evaluators (binary, multi-class, multi-label) ship between tasks when users evaluate our models.
   * (RegressionEvaluator's summarizer ships Scala internals that Spark itself does not register;
   * it does not work under registrationRequired with any model.)
   */
  private static void registerSparkMlClasses(Kryo kryo) {
    for (String name : new String[] {
        "org.apache.spark.mllib.evaluation.binary.BinaryLabelCounter",
        "[Lorg.apache.spark.mllib.evaluation.binary.BinaryLabelCounter;",
        "org.apache.spark.mllib.evaluation.MultilabelSummarizer"}) {
      try {
        kryo.register(Class.forName(name, false, DnnKryoRegistrator.class.getClassLoader()));
      } catch (ClassNotFoundException e) {
        // spark-mllib is not on this classpath: nothing of it will travel either
      }
    }
  }

  /**
   * Spark's schema inference for parquet, csv and json returns StructTypes and DataType arrays
   * from its tasks, which Spark's own registrations miss: without these, reading those formats
   * fails under registrationRequired.
   */
  private static void registerSchemaClasses(Kryo kryo) {
    kryo.register(StructType.class);
    kryo.register(StructField.class);
    kryo.register(StructField[].class);
    kryo.register(StructType[].class);
    kryo.register(DataType[].class);
    kryo.register(ArrayType.class);
    kryo.register(MapType.class);
    kryo.register(DecimalType.class);
    kryo.register(Metadata.class);
    kryo.register(Metadata[].class);
    for (DataType t : new DataType[] {
        DataTypes.StringType, DataTypes.BinaryType, DataTypes.BooleanType, DataTypes.DateType,
        DataTypes.TimestampType, DataTypes.TimestampNTZType, DataTypes.CalendarIntervalType,
        DataTypes.DoubleType, DataTypes.FloatType, DataTypes.ByteType, DataTypes.IntegerType,
        DataTypes.LongType, DataTypes.ShortType, DataTypes.NullType}) {
      kryo.register(t.getClass());
    }
    kryo.register(SQLDataTypes.VectorType().getClass());
    kryo.register(scala.collection.immutable.Map$.MODULE$.empty().getClass());
  }
}
