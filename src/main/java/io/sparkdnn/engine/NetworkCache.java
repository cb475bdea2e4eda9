package io.sparkdnn.engine;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One {@link DenseNetwork} per thread and shape, kept across calls. On a Spark executor this keeps
 * the workspaces of a task thread across tasks and rounds: scratch space is allocated once per
 * thread and never shipped.
 */
public final class NetworkCache {
  private static final ThreadLocal<Map<Key, DenseNetwork>> CACHE = ThreadLocal.withInitial(HashMap::new);
  private static final ThreadLocal<Map<Key, SparseInputNetwork>> SPARSE_CACHE =
      ThreadLocal.withInitial(HashMap::new);

  private NetworkCache() {}

  public static DenseNetwork forThisThread(NetworkSpec spec, Task task, int capacity, BlasBackend blas) {
    Key key = new Key(spec, task, capacity);
    Map<Key, DenseNetwork> cache = CACHE.get();
    DenseNetwork network = cache.get(key);
    if (network == null) {
      if (cache.size() >= 8) {
        cache.clear(); // a long-lived executor that trained many shapes
      }
      network = new DenseNetwork(spec, task, capacity, BlasLibrary.gemm(blas));
      cache.put(key, network);
    }
    return network;
  }

  /** The same for networks whose input rows are sparse (CSR). */
  public static SparseInputNetwork sparseForThisThread(
      NetworkSpec spec, Task task, int capacity, BlasBackend blas) {
    Key key = new Key(spec, task, capacity);
    Map<Key, SparseInputNetwork> cache = SPARSE_CACHE.get();
    SparseInputNetwork network = cache.get(key);
    if (network == null) {
      if (cache.size() >= 8) {
        cache.clear();
      }
      network = new SparseInputNetwork(spec, task, capacity, BlasLibrary.gemm(blas));
      cache.put(key, network);
    }
    return network;
  }

  private static final class Key {
    final NetworkSpec spec;
    final Task task;
    final int capacity;

    Key(NetworkSpec spec, Task task, int capacity) {
      this.spec = spec;
      this.task = task;
      this.capacity = capacity;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Key)) {
        return false;
      }
      Key k = (Key) o;
      return capacity == k.capacity && task == k.task && spec.equals(k.spec);
    }

    @Override
    public int hashCode() {
      return Objects.hash(spec, task, capacity);
    }
  }
}
