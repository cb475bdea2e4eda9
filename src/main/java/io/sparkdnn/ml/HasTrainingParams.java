package io.sparkdnn.ml;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The training params, read-only: what the spark-dnn estimators set ({@link DnnTrainingParams}, which
 * adds the setters) and what their fitted models carry — the values they were fitted with, copied by
 * {@code fit} as Spark ML's own models carry their estimators' (so that a CrossValidator's
 * {@code bestModel().extractParamMap()} names the winning hidden layers and learning rate), kept by
 * {@code save} and {@code load}. Each is the counterpart of the {@code dnn train} configuration key
 * named in its doc, with the same default. (weightCol and handleInvalid are not among them: a model
 * has its own, which govern its evaluate and transform.)
 */
public interface HasTrainingParams extends Params {
  /** The holder of these params (created by the estimator's or the model's constructor); not for users. */
  TrainingParams trainingParams();

  /** The param: hidden layers, e.g. {@code 256relu-128relu+dropout0.2} (network.layers without the input and output layers). */
  default Param<String> hiddenLayers() {
    return trainingParams().hiddenLayers;
  }

  default String getHiddenLayers() {
    return (String) getOrDefault(hiddenLayers());
  }

  /** The param: the most passes over the training data (training.epochs). */
  default IntParam epochs() {
    return trainingParams().epochs;
  }

  default int getEpochs() {
    return (Integer) getOrDefault(epochs());
  }

  /** The param: rows per local optimizer step; 0 = auto (training.batch-size). */
  default IntParam batchSize() {
    return trainingParams().batchSize;
  }

  default int getBatchSize() {
    return (Integer) getOrDefault(batchSize());
  }

  /** The param: {@code sync} or {@code local} (training.mode). */
  default Param<String> mode() {
    return trainingParams().mode;
  }

  default String getMode() {
    return (String) getOrDefault(mode());
  }

  /** The param: rounds (Spark jobs) per epoch (training.rounds-per-epoch). */
  default IntParam roundsPerEpoch() {
    return trainingParams().roundsPerEpoch;
  }

  default int getRoundsPerEpoch() {
    return (Integer) getOrDefault(roundsPerEpoch());
  }

  /** The param: the update rule (training.optimizer.name). */
  default Param<String> optimizer() {
    return trainingParams().optimizer;
  }

  default String getOptimizer() {
    return (String) getOrDefault(optimizer());
  }

  /** The param: learning rate (training.optimizer.learning-rate). */
  default DoubleParam learningRate() {
    return trainingParams().learningRate;
  }

  default double getLearningRate() {
    return (Double) getOrDefault(learningRate());
  }

  /** The param: momentum (training.optimizer.momentum). */
  default DoubleParam momentum() {
    return trainingParams().momentum;
  }

  default double getMomentum() {
    return (Double) getOrDefault(momentum());
  }

  /** The param: decoupled weight decay (training.optimizer.weight-decay). */
  default DoubleParam weightDecay() {
    return trainingParams().weightDecay;
  }

  default double getWeightDecay() {
    return (Double) getOrDefault(weightDecay());
  }

  /** The param: L2 penalty (training.optimizer.l2). */
  default DoubleParam l2() {
    return trainingParams().l2;
  }

  default double getL2() {
    return (Double) getOrDefault(l2());
  }

  /** The param: gradient-norm clipping, 0 for none (training.optimizer.clip-norm). */
  default DoubleParam clipNorm() {
    return trainingParams().clipNorm;
  }

  default double getClipNorm() {
    return (Double) getOrDefault(clipNorm());
  }

  /** The param: learning-rate schedule (training.schedule.name). */
  default Param<String> schedule() {
    return trainingParams().schedule;
  }

  default String getSchedule() {
    return (String) getOrDefault(schedule());
  }

  /** The param: linear warm-up in epochs (training.schedule.warmup-epochs). */
  default DoubleParam warmupEpochs() {
    return trainingParams().warmupEpochs;
  }

  default double getWarmupEpochs() {
    return (Double) getOrDefault(warmupEpochs());
  }

  /** The param: early stopping: epochs without improvement; 0 for none (training.early-stopping.patience). */
  default IntParam patience() {
    return trainingParams().patience;
  }

  default int getPatience() {
    return (Integer) getOrDefault(patience());
  }

  /** The param: early stopping: the least change that counts as an improvement (training.early-stopping.min-delta). */
  default DoubleParam minDelta() {
    return trainingParams().minDelta;
  }

  default double getMinDelta() {
    return (Double) getOrDefault(minDelta());
  }

  /** The param: what early stopping watches (training.early-stopping.metric). */
  default Param<String> stoppingMetric() {
    return trainingParams().stoppingMetric;
  }

  default String getStoppingMetric() {
    return (String) getOrDefault(stoppingMetric());
  }

  /** The param: share of rows held out for validation (data.validation-fraction). */
  default DoubleParam validationFraction() {
    return trainingParams().validationFraction;
  }

  default double getValidationFraction() {
    return (Double) getOrDefault(validationFraction());
  }

  /** The param: boolean column marking validation rows; empty to hold out validationFraction. */
  default Param<String> validationIndicatorCol() {
    return trainingParams().validationIndicatorCol;
  }

  default String getValidationIndicatorCol() {
    return (String) getOrDefault(validationIndicatorCol());
  }

  /** The param: random seed (training.seed). */
  default LongParam seed() {
    return trainingParams().seed;
  }

  default long getSeed() {
    return (Long) getOrDefault(seed());
  }

  /** The param: treeAggregate depth; 0 chooses one (training.tree-depth). */
  default IntParam treeDepth() {
    return trainingParams().treeDepth;
  }

  default int getTreeDepth() {
    return (Integer) getOrDefault(treeDepth());
  }

  /** The param: feature scaling (data.scaling). */
  default Param<String> scaling() {
    return trainingParams().scaling;
  }

  default String getScaling() {
    return (String) getOrDefault(scaling());
  }

  /** The param: partitions of the cached data; 0 follows Spark (data.partitions). */
  default IntParam partitions() {
    return trainingParams().partitions;
  }

  default int getPartitions() {
    return (Integer) getOrDefault(partitions());
  }

  /** The param: weight initialisation (network.init). */
  default Param<String> initialization() {
    return trainingParams().initialization;
  }

  default String getInitialization() {
    return (String) getOrDefault(initialization());
  }

  /** The param: directory for checkpoints; empty for none (checkpoint.dir). */
  default Param<String> checkpointDir() {
    return trainingParams().checkpointDir;
  }

  default String getCheckpointDir() {
    return (String) getOrDefault(checkpointDir());
  }
}
