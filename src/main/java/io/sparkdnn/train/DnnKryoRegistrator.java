package io.sparkdnn.train;

import com.esotericsoftware.kryo.Kryo;
import io.sparkdnn.data.BadRowReason;
import io.sparkdnn.data.FeatureStatistics;
import io.sparkdnn.data.PackedBlock;
import io.sparkdnn.engine.LossAccumulator;
import io.sparkdnn.engine.Task;
import io.sparkdnn.model.EvaluationAccumulator;
import io.sparkdnn.optim.OptimizerState;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Registers every class that travels between driver and executors (cached blocks, broadcasts,
 * task results), so that Kryo writes a small id instead of a class name — and so that
 * {@code spark.kryo.registrationRequired=true}, which the tests run with, proves nothing is missed.
 */
public final class DnnKryoRegistrator implements KryoRegistrator {

  @Override
  public void registerClasses(Kryo kryo) {
    kryo.register(PackedBlock.class);
    kryo.register(RoundAccumulator.class);
    kryo.register(LossAccumulator.class);
    kryo.register(EvaluationAccumulator.class);
    kryo.register(FeatureStatistics.class);
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
  }
}
