package io.sparkdnn.ml;

import java.util.Objects;

/**
 * A stage's uid while its Spark superclass is being constructed. Spark's Scala traits create their
 * params (featuresCol, …) in the superclass constructor, with the stage as parent, and read
 * {@code uid()} then; Scala sets a constructor-parameter uid before that, Java cannot set a field
 * before {@code super()}. So the Java stages pass the uid here in an argument of their private
 * constructor — evaluated before {@code super()} runs — and their {@code uid()} answers from here
 * until the field is set.
 */
final class ConstructionUid {
  private static final ThreadLocal<String> PENDING = new ThreadLocal<>();
  private static final ConstructionUid MARKER = new ConstructionUid();

  private ConstructionUid() {}

  /** Holds {@code uid} for the constructor about to run on this thread. */
  static ConstructionUid of(String uid) {
    PENDING.set(Objects.requireNonNull(uid, "uid"));
    return MARKER;
  }

  /** The uid of the stage under construction on this thread. */
  static String pending() {
    return PENDING.get();
  }

  /** The pending uid, no longer held. */
  static String take() {
    String uid = PENDING.get();
    PENDING.remove();
    return uid;
  }
}
