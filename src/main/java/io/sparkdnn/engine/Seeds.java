package io.sparkdnn.engine;

/**
 * Counter-based randomness: values derived by hashing (seed, epoch, row id, ...) instead of drawing
 * from a stream, so that every random choice — dropout masks, shuffles, the validation split, round
 * membership — is reproducible and independent of how rows are partitioned or ordered.
 */
public final class Seeds {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private Seeds() {}

  /** Stafford's variant 13 of the MurmurHash3 finaliser, as used by SplitMix64. */
  public static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A seed for a sub-task, e.g. {@code derive(seed, epoch, partition)}. */
  public static long derive(long seed, long... parts) {
    long h = mix64(seed + GOLDEN);
    for (long part : parts) {
      h = mix64(h ^ (part + GOLDEN));
    }
    return h;
  }

  /** A standard normal draw by Box–Muller (SplittableRandom has no nextGaussian on Java 17). */
  public static double gaussian(java.util.SplittableRandom random) {
    double u1 = 1.0 - random.nextDouble(); // (0, 1]
    double u2 = random.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }

  /** A uniform double in [0, 1) from a hash value. */
  public static double unit(long hash) {
    return (hash >>> 11) * 0x1.0p-53;
  }
}
