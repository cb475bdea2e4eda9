package io.sparkdnn.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Small helpers on flat float vectors: sums in double, and bulk binary IO (little-endian). */
public final class FloatArrays {
  private static final int CHUNK = 8192;

  private FloatArrays() {}

  public static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (double) a[i] * b[i];
    }
    return sum;
  }

  public static double norm(float[] a) {
    return Math.sqrt(dot(a, a));
  }

  /** The largest |a[i] − b[i]|: how far two weight vectors of one network are apart. */
  public static double maxAbsDifference(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("lengths differ: " + a.length + " and " + b.length);
    }
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  /** True when every value is finite. */
  public static boolean allFinite(float[] a) {
    // v·0 is 0 for finite v and NaN for NaN or ±∞: one branch-free pass the JIT can vectorise.
    float check = 0f;
    for (float v : a) {
      check += v * 0f;
    }
    return check == 0f;
  }

  /** Writes the floats (not their count) as IEEE-754 little-endian. */
  public static void write(DataOutput out, float[] values) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(CHUNK * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (int start = 0; start < values.length; start += CHUNK) {
      int n = Math.min(CHUNK, values.length - start);
      buffer.clear();
      buffer.asFloatBuffer().put(values, start, n);
      out.write(buffer.array(), 0, n * Float.BYTES);
    }
  }

  /** Reads exactly {@code values.length} floats written by {@link #write}. */
  public static void read(DataInput in, float[] values) throws IOException {
    byte[] bytes = new byte[CHUNK * Float.BYTES];
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    for (int start = 0; start < values.length; start += CHUNK) {
      int n = Math.min(CHUNK, values.length - start);
      in.readFully(bytes, 0, n * Float.BYTES);
      buffer.clear();
      buffer.asFloatBuffer().get(values, start, n);
    }
  }
}
