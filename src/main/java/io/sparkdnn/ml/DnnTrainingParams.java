package io.sparkdnn.ml;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The training params every spark-dnn estimator has, with Spark ML's accessors: {@code epochs()}
 * (the param), {@code getEpochs()} (its value) and {@code setEpochs(v)}. Each is the counterpart of
 * the {@code dnn train} configuration key named in its doc, with the same default and range (see
 * the README's configuration reference); a value out of range is refused when set. Over Spark
 * Connect, set them by name like any ML param.
 *
 * @param <E> the estimator, which the setters return
 */
@SuppressWarnings("unchecked")
public interface DnnTrainingParams<E extends DnnTrainingParams<E>> extends Params {

  /** The holder of these params (created by the estimator's constructor); not for users. */
  TrainingParams trainingParams();

  /** The param: hidden layers, e.g. {@code 256relu-128relu+dropout0.2} (network.layers without the input and output layers). */
  default Param<String> hiddenLayers() {
    return trainingParams().hiddenLayers;
  }

  default String getHiddenLayers() {
    return (String) getOrDefault(hiddenLayers());
  }

  default E setHiddenLayers(String value) {
    return (E) set(hiddenLayers(), value);
  }

  /** The param: the most passes over the training data (training.epochs). */
  default IntParam epochs() {
    return trainingParams().epochs;
  }

  default int getEpochs() {
    return (Integer) getOrDefault(epochs());
  }

  default E setEpochs(int value) {
    return (E) set(epochs(), value);
  }

  /** The param: rows per local optimizer step; 0 = auto (training.batch-size). */
  default IntParam batchSize() {
    return trainingParams().batchSize;
  }

  default int getBatchSize() {
    return (Integer) getOrDefault(batchSize());
  }

  default E setBatchSize(int value) {
    return (E) set(batchSize(), value);
  }

  /** The param: {@code sync} or {@code local} (training.mode). */
  default Param<String> mode() {
    return trainingParams().mode;
  }

  default String getMode() {
    return (String) getOrDefault(mode());
  }

  default E setMode(String value) {
    return (E) set(mode(), value);
  }

  /** The param: rounds (Spark jobs) per epoch (training.rounds-per-epoch). */
  default IntParam roundsPerEpoch() {
    return trainingParams().roundsPerEpoch;
  }

  default int getRoundsPerEpoch() {
    return (Integer) getOrDefault(roundsPerEpoch());
  }

  default E setRoundsPerEpoch(int value) {
    return (E) set(roundsPerEpoch(), value);
  }

  /** The param: the update rule (training.optimizer.name). */
  default Param<String> optimizer() {
    return trainingParams().optimizer;
  }

  default String getOptimizer() {
    return (String) getOrDefault(optimizer());
  }

  default E setOptimizer(String value) {
    return (E) set(optimizer(), value);
  }

  /** The param: learning rate (training.optimizer.learning-rate). */
  default DoubleParam learningRate() {
    return trainingParams().learningRate;
  }

  default double getLearningRate() {
    return (Double) getOrDefault(learningRate());
  }

  default E setLearningRate(double value) {
    return (E) set(learningRate(), value);
  }

  /** The param: momentum (training.optimizer.momentum). */
  default DoubleParam momentum() {
    return trainingParams().momentum;
  }

  default double getMomentum() {
    return (Double) getOrDefault(momentum());
  }

  default E setMomentum(double value) {
    return (E) set(momentum(), value);
  }

  /** The param: decoupled weight decay (training.optimizer.weight-decay). */
  default DoubleParam weightDecay() {
    return trainingParams().weightDecay;
  }

  default double getWeightDecay() {
    return (Double) getOrDefault(weightDecay());
  }

  default E setWeightDecay(double value) {
    return (E) set(weightDecay(), value);
  }

  /** The param: L2 penalty (training.optimizer.l2). */
  default DoubleParam l2() {
    return trainingParams().l2;
  }

  default double getL2() {
    return (Double) getOrDefault(l2());
  }

  default E setL2(double value) {
    return (E) set(l2(), value);
  }

  /** The param: gradient-norm clipping, 0 for none (training.optimizer.clip-norm). */
  default DoubleParam clipNorm() {
    return trainingParams().clipNorm;
  }

  default double getClipNorm() {
    return (Double) getOrDefault(clipNorm());
  }

  default E setClipNorm(double value) {
    return (E) set(clipNorm(), value);
  }

  /** The param: learning-rate schedule (training.schedule.name). */
  default Param<String> schedule() {
    return trainingParams().schedule;
  }

  default String getSchedule() {
    return (String) getOrDefault(schedule());
  }

  default E setSchedule(String value) {
    return (E) set(schedule(), value);
  }

  /** The param: linear warm-up in epochs (training.schedule.warmup-epochs). */
  default DoubleParam warmupEpochs() {
    return trainingParams().warmupEpochs;
  }

  default double getWarmupEpochs() {
    return (Double) getOrDefault(warmupEpochs());
  }

  default E setWarmupEpochs(double value) {
    return (E) set(warmupEpochs(), value);
  }

  /** The param: early stopping: epochs without improvement; 0 for none (training.early-stopping.patience). */
  default IntParam patience() {
    return trainingParams().patience;
  }

  default int getPatience() {
    return (Integer) getOrDefault(patience());
  }

  default E setPatience(int value) {
    return (E) set(patience(), value);
  }

  /** The param: early stopping: the least change that counts as an improvement (training.early-stopping.min-delta). */
  default DoubleParam minDelta() {
    return trainingParams().minDelta;
  }

  default double getMinDelta() {
    return (Double) getOrDefault(minDelta());
  }

  default E setMinDelta(double value) {
    return (E) set(minDelta(), value);
  }

  /** The param: what early stopping watches (training.early-stopping.metric). */
  default Param<String> stoppingMetric() {
    return trainingParams().stoppingMetric;
  }

  default String getStoppingMetric() {
    return (String) getOrDefault(stoppingMetric());
  }

  default E setStoppingMetric(String value) {
    return (E) set(stoppingMetric(), value);
  }

  /** The param: share of rows held out for validation (data.validation-fraction). */
  default DoubleParam validationFraction() {
    return trainingParams().validationFraction;
  }

  default double getValidationFraction() {
    return (Double) getOrDefault(validationFraction());
  }

  default E setValidationFraction(double value) {
    return (E) set(validationFraction(), value);
  }

  /** The param: boolean column marking validation rows; empty to hold out validationFraction. */
  default Param<String> validationIndicatorCol() {
    return trainingParams().validationIndicatorCol;
  }

  default String getValidationIndicatorCol() {
    return (String) getOrDefault(validationIndicatorCol());
  }

  default E setValidationIndicatorCol(String value) {
    return (E) set(validationIndicatorCol(), value);
  }

  /** The param: column of row weights; empty for none (data.weight). */
  default Param<String> weightCol() {
    return trainingParams().weightCol;
  }

  default String getWeightCol() {
    return (String) getOrDefault(weightCol());
  }

  default E setWeightCol(String value) {
    return (E) set(weightCol(), value);
  }

  /** The param: random seed (training.seed). */
  default LongParam seed() {
    return trainingParams().seed;
  }

  default long getSeed() {
    return (Long) getOrDefault(seed());
  }

  default E setSeed(long value) {
    return (E) set(seed(), value);
  }

  /** The param: treeAggregate depth; 0 chooses one (training.tree-depth). */
  default IntParam treeDepth() {
    return trainingParams().treeDepth;
  }

  default int getTreeDepth() {
    return (Integer) getOrDefault(treeDepth());
  }

  default E setTreeDepth(int value) {
    return (E) set(treeDepth(), value);
  }

  /** The param: feature scaling (data.scaling). */
  default Param<String> scaling() {
    return trainingParams().scaling;
  }

  default String getScaling() {
    return (String) getOrDefault(scaling());
  }

  default E setScaling(String value) {
    return (E) set(scaling(), value);
  }

  /** The param: partitions of the cached data; 0 follows Spark (data.partitions). */
  default IntParam partitions() {
    return trainingParams().partitions;
  }

  default int getPartitions() {
    return (Integer) getOrDefault(partitions());
  }

  default E setPartitions(int value) {
    return (E) set(partitions(), value);
  }

  /** The param: weight initialisation (network.init). */
  default Param<String> initialization() {
    return trainingParams().initialization;
  }

  default String getInitialization() {
    return (String) getOrDefault(initialization());
  }

  default E setInitialization(String value) {
    return (E) set(initialization(), value);
  }

  /** The param: directory for checkpoints; empty for none (checkpoint.dir). */
  default Param<String> checkpointDir() {
    return trainingParams().checkpointDir;
  }

  default String getCheckpointDir() {
    return (String) getOrDefault(checkpointDir());
  }

  default E setCheckpointDir(String value) {
    return (E) set(checkpointDir(), value);
  }

  /**
   * The param: what fit does with an invalid row (error, skip or keep; {@link HandleInvalid}). The
   * fitted model takes the value over, where it also governs transform and evaluate.
   */
  default Param<String> handleInvalid() {
    return trainingParams().handleInvalid;
  }

  default String getHandleInvalid() {
    return (String) getOrDefault(handleInvalid());
  }

  default E setHandleInvalid(String value) {
    return (E) set(handleInvalid(), value);
  }
}
