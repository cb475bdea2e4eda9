package io.sparkdnn.optim;

import io.sparkdnn.engine.FloatArrays;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * What L-BFGS carries between iterations: the objective and gradient at the current point and the
 * last {@code memory} curvature pairs (s = Δx, y = Δg) in a ring buffer. Writable for checkpoints.
 */
public final class LbfgsState {
  final int memory;
  final float[][] s;
  final float[][] y;
  final double[] rho;
  /** Pairs held, ≤ memory; the newest is at {@code (head − 1) mod memory}. */
  int count;
  int head;
  boolean hasValue;
  double value;
  final float[] gradient;
  long iterations;

  LbfgsState(int memory, int n) {
    this.memory = memory;
    this.s = new float[memory][n];
    this.y = new float[memory][n];
    this.rho = new double[memory];
    this.gradient = new float[n];
  }

  /** Objective at the current point (valid after the first iteration). */
  public double value() {
    return value;
  }

  public long iterations() {
    return iterations;
  }

  void push(float[] sNew, float[] yNew, double sy) {
    System.arraycopy(sNew, 0, s[head], 0, sNew.length);
    System.arraycopy(yNew, 0, y[head], 0, yNew.length);
    rho[head] = 1.0 / sy;
    head = (head + 1) % memory;
    count = Math.min(count + 1, memory);
  }

  void clearHistory() {
    count = 0;
    head = 0;
  }

  public void write(DataOutputStream out) throws IOException {
    out.writeInt(memory);
    out.writeInt(gradient.length);
    out.writeInt(count);
    out.writeInt(head);
    out.writeBoolean(hasValue);
    out.writeDouble(value);
    out.writeLong(iterations);
    FloatArrays.write(out, gradient);
    for (int i = 0; i < memory; i++) {
      out.writeDouble(rho[i]);
      FloatArrays.write(out, s[i]);
      FloatArrays.write(out, y[i]);
    }
  }

  public static LbfgsState read(DataInputStream in) throws IOException {
    int memory = in.readInt();
    int n = in.readInt();
    if (memory <= 0 || memory > 1000 || n < 0) {
      throw new IOException("corrupt L-BFGS state: memory " + memory + ", size " + n);
    }
    LbfgsState state = new LbfgsState(memory, n);
    state.count = in.readInt();
    state.head = in.readInt();
    state.hasValue = in.readBoolean();
    state.value = in.readDouble();
    state.iterations = in.readLong();
    FloatArrays.read(in, state.gradient);
    for (int i = 0; i < memory; i++) {
      state.rho[i] = in.readDouble();
      FloatArrays.read(in, state.s[i]);
      FloatArrays.read(in, state.y[i]);
    }
    return state;
  }
}
