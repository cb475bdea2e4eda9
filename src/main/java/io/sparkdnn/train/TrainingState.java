package io.sparkdnn.train;

import io.sparkdnn.engine.FloatArrays;
import io.sparkdnn.optim.LbfgsState;
import io.sparkdnn.optim.OptimizerState;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Everything the next epoch starts from: weights, optimiser state, outer momentum, the
 * learning-rate scale left by divergence retries, and the early-stopping bookkeeping. Randomness
 * is derived from (seed, epoch, …), so the epoch count is all the RNG state there is. Written to
 * and read from checkpoints.
 */
public final class TrainingState {
  private static final int MAGIC = 0x444E4E53; // "DNNS"
  private static final int VERSION = 1;

  int epochsDone;
  float[] weights;
  OptimizerState optimizerState;
  LbfgsState lbfgsState;
  float[] velocity;
  double learningRateScale = 1.0;
  int retries;
  float[] bestWeights;
  double bestMetric = Double.NaN;
  int bestEpoch;
  int epochsSinceBest;
  /** Early stopping or convergence ended training: a resumed run has nothing left to do. */
  boolean finished;

  TrainingState() {}

  public boolean finished() {
    return finished;
  }

  public int epochsDone() {
    return epochsDone;
  }

  public float[] weights() {
    return weights;
  }

  public int bestEpoch() {
    return bestEpoch;
  }

  public void write(DataOutputStream out) throws IOException {
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.writeInt(epochsDone);
    writeVector(out, weights);
    out.writeBoolean(optimizerState != null);
    if (optimizerState != null) {
      optimizerState.write(out);
    }
    out.writeBoolean(lbfgsState != null);
    if (lbfgsState != null) {
      lbfgsState.write(out);
    }
    writeVector(out, velocity);
    out.writeDouble(learningRateScale);
    out.writeInt(retries);
    writeVector(out, bestWeights);
    out.writeDouble(bestMetric);
    out.writeInt(bestEpoch);
    out.writeInt(epochsSinceBest);
    out.writeBoolean(finished);
  }

  public static TrainingState read(DataInputStream in) throws IOException {
    if (in.readInt() != MAGIC) {
      throw new IOException("not a spark-dnn training state (bad magic number)");
    }
    int version = in.readInt();
    if (version != VERSION) {
      throw new IOException("training state format " + version + " is not supported by this version "
          + "(it reads format " + VERSION + ")");
    }
    TrainingState s = new TrainingState();
    s.epochsDone = in.readInt();
    s.weights = readVector(in);
    if (in.readBoolean()) {
      s.optimizerState = OptimizerState.read(in);
    }
    if (in.readBoolean()) {
      s.lbfgsState = LbfgsState.read(in);
    }
    s.velocity = readVector(in);
    s.learningRateScale = in.readDouble();
    s.retries = in.readInt();
    s.bestWeights = readVector(in);
    s.bestMetric = in.readDouble();
    s.bestEpoch = in.readInt();
    s.epochsSinceBest = in.readInt();
    s.finished = in.readBoolean();
    return s;
  }

  private static void writeVector(DataOutputStream out, float[] v) throws IOException {
    out.writeInt(v == null ? -1 : v.length);
    if (v != null) {
      FloatArrays.write(out, v);
    }
  }

  private static float[] readVector(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < -1) {
      throw new IOException("corrupt training state: vector length " + n);
    }
    if (n == -1) {
      return null;
    }
    float[] v = new float[n];
    FloatArrays.read(in, v);
    return v;
  }
}
