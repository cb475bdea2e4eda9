package io.sparkdnn.engine;

/**
 * Inverted dropout masks: each unit is kept with probability 1 − p and then scaled by 1/(1 − p), so
 * that nothing needs rescaling at prediction time.
 *
 * <p>The mask of a unit is a pure function of (step seed, row id, layer, unit) — a counter-based
 * generator ({@link Seeds}) rather than a stream. A row therefore gets the same mask
 * whichever partition or batch position it lands in, which keeps training on 1 and on N partitions
 * identical up to float rounding.
 */
final class Dropout {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private Dropout() {}

  /** Fills {@code mask[0 .. rows×width)} with 0 or 1/(1−rate). */
  static void fillMask(
      float[] mask, int rows, int width, long[] rowIds, long stepSeed, int layer, float rate) {
    float keepScale = 1f / (1f - rate);
    long layerSalt = Seeds.mix64(stepSeed + GOLDEN * (layer + 1));
    for (int r = 0; r < rows; r++) {
      long state = Seeds.mix64(layerSalt ^ (rowIds[r] * 0xD1B54A32D192ED03L));
      int base = r * width;
      for (int j = 0; j < width; j++) {
        state += GOLDEN;
        float u = (Seeds.mix64(state) >>> 40) * 0x1.0p-24f;
        mask[base + j] = u < rate ? 0f : keepScale;
      }
    }
  }
}
