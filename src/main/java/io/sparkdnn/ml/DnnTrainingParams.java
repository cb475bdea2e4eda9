package io.sparkdnn.ml;

import org.apache.spark.ml.param.Param;

/**
 * The training params every spark-dnn estimator has, with Spark ML's accessors: {@code epochs()}
 * (the param), {@code getEpochs()} (its value) and {@code setEpochs(v)}. Each is the counterpart of
 * the {@code dnn train} configuration key named in its doc, with the same default and range (see
 * the README's configuration reference); a value out of range is refused when set. Over Spark
 * Connect, set them by name like any ML param. The fitted model carries the values it was fitted
 * with ({@link HasTrainingParams}).
 *
 * @param <E> the estimator, which the setters return
 */
@SuppressWarnings("unchecked")
public interface DnnTrainingParams<E extends DnnTrainingParams<E>> extends HasTrainingParams {

  default E setHiddenLayers(String value) {
    return (E) set(hiddenLayers(), value);
  }

  default E setEpochs(int value) {
    return (E) set(epochs(), value);
  }

  default E setBatchSize(int value) {
    return (E) set(batchSize(), value);
  }

  default E setMode(String value) {
    return (E) set(mode(), value);
  }

  default E setRoundsPerEpoch(int value) {
    return (E) set(roundsPerEpoch(), value);
  }

  default E setOptimizer(String value) {
    return (E) set(optimizer(), value);
  }

  default E setLearningRate(double value) {
    return (E) set(learningRate(), value);
  }

  default E setMomentum(double value) {
    return (E) set(momentum(), value);
  }

  default E setWeightDecay(double value) {
    return (E) set(weightDecay(), value);
  }

  default E setL2(double value) {
    return (E) set(l2(), value);
  }

  default E setClipNorm(double value) {
    return (E) set(clipNorm(), value);
  }

  default E setSchedule(String value) {
    return (E) set(schedule(), value);
  }

  default E setWarmupEpochs(double value) {
    return (E) set(warmupEpochs(), value);
  }

  default E setPatience(int value) {
    return (E) set(patience(), value);
  }

  default E setMinDelta(double value) {
    return (E) set(minDelta(), value);
  }

  default E setStoppingMetric(String value) {
    return (E) set(stoppingMetric(), value);
  }

  default E setValidationFraction(double value) {
    return (E) set(validationFraction(), value);
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

  default E setSeed(long value) {
    return (E) set(seed(), value);
  }

  default E setTreeDepth(int value) {
    return (E) set(treeDepth(), value);
  }

  default E setScaling(String value) {
    return (E) set(scaling(), value);
  }

  default E setPartitions(int value) {
    return (E) set(partitions(), value);
  }

  default E setInitialization(String value) {
    return (E) set(initialization(), value);
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
