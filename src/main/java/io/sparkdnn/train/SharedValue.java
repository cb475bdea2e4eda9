package io.sparkdnn.train;

import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * A value that every task of a round reads (the round's weights, or its weights and optimiser
 * state): a Spark broadcast, or, with a {@code local[…]} master, the driver's object itself.
 *
 * <p>Why: with a local master every task runs in the driver's JVM, where a broadcast's work is
 * wasted — {@code sc.broadcast} serialises the value with Kryo into pieces for the block manager
 * (2.7 MiB for the main job's weights and Adam moments, every round), which no executor of another
 * JVM will ever fetch. In the main job's local mode {@code sc.broadcast} took 5–27 ms a round. Here
 * the tasks' copy of the closure carries a number, which finds the object in this JVM.
 *
 * <p>As with the broadcasts this replaces, the value is shared, not copied: the caller must not
 * change it until the job has finished and {@link #close} has run.
 *
 * @param <T> the value's type
 */
public abstract class SharedValue<T> implements Serializable, AutoCloseable {
  private static final long serialVersionUID = 1L;

  /** The value, as a task reads it. */
  public abstract T value();

  /** Releases the value (destroys the broadcast); tasks of later jobs cannot read it. */
  @Override
  public abstract void close();

  /**
   * {@code value} for the tasks of {@code sc}'s jobs: in this JVM when the master is
   * {@code local} or {@code local[…]} (not {@code local-cluster}, whose executors are other JVMs),
   * else broadcast.
   */
  public static <T> SharedValue<T> of(JavaSparkContext sc, T value) {
    return sc.sc().isLocal() ? new InThisJvm<>(value) : new Broadcasted<>(sc.broadcast(value));
  }

  /** The object itself, found by number in a map of this JVM. */
  static final class InThisJvm<T> extends SharedValue<T> {
    private static final long serialVersionUID = 1L;
    private static final Map<Long, Object> VALUES = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong();
    private final long id;

    InThisJvm(T value) {
      this.id = IDS.incrementAndGet();
      VALUES.put(id, value);
    }

    /** @throws IllegalStateException when closed, or read in another JVM (which a local master never starts) */
    @Override
    @SuppressWarnings("unchecked")
    public T value() {
      Object value = VALUES.get(id);
      if (value == null) {
        throw new IllegalStateException("shared value " + id + " is not in this JVM: it was released when its job "
            + "ended, or this task runs outside the local master's JVM");
      }
      return (T) value;
    }

    @Override
    public void close() {
      VALUES.remove(id);
    }

    /** How many values are held now (for tests: none after a run). */
    static int held() {
      return VALUES.size();
    }
  }

  /** A Spark broadcast, for executors in other JVMs. */
  static final class Broadcasted<T> extends SharedValue<T> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<T> broadcast;

    Broadcasted(Broadcast<T> broadcast) {
      this.broadcast = broadcast;
    }

    @Override
    public T value() {
      return broadcast.value();
    }

    @Override
    public void close() {
      broadcast.destroy();
    }
  }
}
