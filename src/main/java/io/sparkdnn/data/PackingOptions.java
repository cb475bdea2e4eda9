package io.sparkdnn.data;

import io.sparkdnn.engine.Seeds;
import java.io.Serializable;

/** How rows become cached blocks. */
public final class PackingOptions implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Rows per shuffle unit; a row with id i travels with chunk i / chunkRows. */
  public static final int CHUNK_ROWS = 1024;

  private static final long SPLIT_SALT = 0x5B117L;

  private final int partitions;
  private final int blockRows;
  private final double validationFraction;
  private final boolean allValidation;
  private final long seed;
  private final BadRowPolicy badRows;
  private final boolean shuffled;

  private PackingOptions(
      int partitions, int blockRows, double validationFraction, boolean allValidation, long seed,
      BadRowPolicy badRows, boolean shuffled) {
    if (partitions <= 0) {
      throw new IllegalArgumentException("partitions must be positive, found " + partitions);
    }
    if (blockRows < CHUNK_ROWS) {
      throw new IllegalArgumentException("block rows must be ≥ " + CHUNK_ROWS + ", found " + blockRows);
    }
    if (!(validationFraction >= 0 && validationFraction < 1)) {
      throw new IllegalArgumentException(
          "validation fraction must be in [0, 1), found " + validationFraction);
    }
    this.partitions = partitions;
    this.blockRows = blockRows;
    this.validationFraction = validationFraction;
    this.allValidation = allValidation;
    this.seed = seed;
    this.badRows = badRows;
    this.shuffled = shuffled;
  }

  /** Training data; a seeded {@code validationFraction} of rows (by row id) is held out. */
  public static PackingOptions training(
      int partitions, int blockRows, double validationFraction, long seed, BadRowPolicy badRows) {
    return new PackingOptions(partitions, blockRows, validationFraction, false, seed, badRows, false);
  }

  /** Data that is all validation (or evaluation) rows. */
  public static PackingOptions validation(int partitions, int blockRows, BadRowPolicy badRows) {
    return new PackingOptions(partitions, blockRows, 0, true, 0, badRows, false);
  }

  /**
   * These options, packing through a shuffle even with a local master (the route a cluster takes;
   * for tests that compare the two routes).
   */
  PackingOptions shuffledEvenLocally() {
    return new PackingOptions(partitions, blockRows, validationFraction, allValidation, seed, badRows, true);
  }

  /** Whether packing takes the shuffle even with a local master. */
  boolean shuffled() {
    return shuffled;
  }

  public int partitions() {
    return partitions;
  }

  public int blockRows() {
    return blockRows;
  }

  public BadRowPolicy badRows() {
    return badRows;
  }

  /** Whether a row is held out: a hash of (seed, row id), so independent of partitioning. */
  public boolean isValidation(long rowId) {
    if (allValidation) {
      return true;
    }
    if (validationFraction == 0) {
      return false;
    }
    return Seeds.unit(Seeds.derive(seed, SPLIT_SALT, rowId)) < validationFraction;
  }
}
