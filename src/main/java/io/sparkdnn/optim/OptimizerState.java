package io.sparkdnn.optim;

import io.sparkdnn.engine.FloatArrays;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;

/**
 * The mutable state of an {@link UpdateRule}: its step count and per-parameter vectors (momentum
 * for SGD; first and second moments for Adam). Plain data, so that it can be checkpointed, sent to
 * executors and averaged across partitions.
 */
public final class OptimizerState implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String rule;
  private long step;
  private final float[][] vectors;

  public OptimizerState(String rule, long step, float[][] vectors) {
    this.rule = rule;
    this.step = step;
    this.vectors = vectors;
  }

  /** The {@link UpdateRule#name()} this state belongs to. */
  public String rule() {
    return rule;
  }

  /** Updates applied so far. */
  public long step() {
    return step;
  }

  void setStep(long step) {
    this.step = step;
  }

  public float[] vector(int i) {
    return vectors[i];
  }

  public int vectorCount() {
    return vectors.length;
  }

  public OptimizerState copy() {
    float[][] copies = new float[vectors.length][];
    for (int i = 0; i < vectors.length; i++) {
      copies[i] = vectors[i].clone();
    }
    return new OptimizerState(rule, step, copies);
  }

  /** Overwrites this state with {@code other}'s values (same rule and sizes). */
  public void copyFrom(OptimizerState other) {
    checkSameShape(other);
    step = other.step;
    for (int i = 0; i < vectors.length; i++) {
      System.arraycopy(other.vectors[i], 0, vectors[i], 0, vectors[i].length);
    }
  }

  public void checkSameShape(OptimizerState other) {
    if (!rule.equals(other.rule) || vectors.length != other.vectors.length) {
      throw new IllegalArgumentException(
          "optimizer state of " + other.rule + " does not fit optimizer " + rule);
    }
    for (int i = 0; i < vectors.length; i++) {
      if (vectors[i].length != other.vectors[i].length) {
        throw new IllegalArgumentException(
            "optimizer state vector " + i + " has " + other.vectors[i].length + " values, expected "
                + vectors[i].length);
      }
    }
  }

  public void write(DataOutputStream out) throws IOException {
    out.writeUTF(rule);
    out.writeLong(step);
    out.writeInt(vectors.length);
    for (float[] v : vectors) {
      out.writeInt(v.length);
      FloatArrays.write(out, v);
    }
  }

  public static OptimizerState read(DataInputStream in) throws IOException {
    String rule = in.readUTF();
    long step = in.readLong();
    int count = in.readInt();
    if (count < 0 || count > 16) {
      throw new IOException("corrupt optimizer state: " + count + " vectors");
    }
    float[][] vectors = new float[count][];
    for (int i = 0; i < count; i++) {
      int length = in.readInt();
      if (length < 0) {
        throw new IOException("corrupt optimizer state: vector of length " + length);
      }
      vectors[i] = new float[length];
      FloatArrays.read(in, vectors[i]);
    }
    return new OptimizerState(rule, step, vectors);
  }
}
