package io.sparkdnn.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * One job that computes a result per partition and merges the results on the driver, in partition
 * order — what {@code mapPartitionsWithIndex(f).treeAggregate(zero, merge, merge, depth)} computes,
 * by the same route when {@code depth} > 1 (a tree of partial merges, for many partitions).
 *
 * <p>Why, for depth 1: a training round is one such job, run every epoch or more often. Through
 * {@code treeAggregate} each job passes four Scala closures through Spark's closure cleaner, which
 * reads and parses the class file of each closure's enclosing class with ASM; that was 7 of the
 * driver thread's 11 JFR samples (20 ms apart) in 4 s of a local-mode run of the main job. Here the
 * job's function is a class of ours, which the cleaner leaves alone. And the driver
 * merges the partitions' results in partition order rather than as their tasks finish, so that the
 * float sums, and the training they feed, do not depend on which task finished first.
 *
 * <p>When a task runs in the driver's JVM (a local master), its results reach the driver as
 * objects, through a map of this JVM, not through Spark's serializer, which Kryo-serialised each
 * into a new buffer in the task and read it back into new arrays on the driver: 2.8 MB a task every
 * round in the main job's local mode. (A JFR recording of 4 s of that job put ~170 MB of the ~250 MB
 * allocated in task-result and broadcast buffers.) A task in another JVM finds no entry for its job
 * there, and returns its results as usual.
 */
public final class PartitionResults {
  private PartitionResults() {}

  /**
   * {@code zero} merged with every result {@code perPartition} returns, partition by partition.
   *
   * @param perPartition (partition index, its elements) → its results (usually one)
   * @param merge merges the second argument into the first and returns it (may modify the first)
   * @param depth the treeAggregate depth: ≤ 1 merges every partition's results on the driver
   * @throws org.apache.spark.SparkException (undeclared, as Spark throws it) when a task fails
   */
  public static <T, U> U aggregate(JavaRDD<T> rdd, Function2<Integer, Iterator<T>, Iterator<U>> perPartition,
      U zero, Function2<U, U, U> merge, int depth) {
    if (depth > 1) {
      return rdd.mapPartitionsWithIndex(perPartition, false).treeAggregate(zero, merge, merge, depth);
    }
    int partitions = rdd.getNumPartitions();
    List<List<U>> results = new ArrayList<>(partitions);
    List<Object> indices = new ArrayList<>(partitions);
    for (int p = 0; p < partitions; p++) {
      results.add(null);
      indices.add(p);
    }
    ClassTag<List<U>> tag = org.apache.spark.api.java.JavaSparkContext$.MODULE$.fakeClassTag();
    long job = JOBS.incrementAndGet();
    AtomicReferenceArray<List<?>> inThisJvm = new AtomicReferenceArray<>(partitions);
    IN_THIS_JVM.put(job, inThisJvm);
    try {
      rdd.context().runJob(rdd.rdd(), new Task<>(perPartition, job), CollectionConverters.asScala(indices).toSeq(),
          new AbstractFunction2<Object, List<U>, BoxedUnit>() {
            @Override
            public BoxedUnit apply(Object partition, List<U> result) {
              results.set((Integer) partition, result); // the scheduler calls this one result at a time
              return BoxedUnit.UNIT;
            }
          }, tag);
    } finally {
      IN_THIS_JVM.remove(job);
    }
    U merged = zero;
    try {
      for (int p = 0; p < partitions; p++) {
        @SuppressWarnings("unchecked")
        List<U> handed = (List<U>) inThisJvm.get(p);
        for (U u : handed != null ? handed : results.get(p)) {
          merged = merge.call(merged, u);
        }
      }
    } catch (Exception e) {
      throw Task.<RuntimeException>unchecked(e);
    }
    return merged;
  }

  /** Each running job's results handed over in this JVM, by partition: filled by tasks of a local master. */
  private static final Map<Long, AtomicReferenceArray<List<?>>> IN_THIS_JVM = new ConcurrentHashMap<>();
  private static final AtomicLong JOBS = new AtomicLong();

  /** The function a task runs: a class, not a Scala closure, so that the closure cleaner skips it. */
  private static final class Task<T, U> extends AbstractFunction2<TaskContext, scala.collection.Iterator<T>, List<U>>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Function2<Integer, Iterator<T>, Iterator<U>> perPartition;
    private final long job;

    Task(Function2<Integer, Iterator<T>, Iterator<U>> perPartition, long job) {
      this.perPartition = perPartition;
      this.job = job;
    }

    @Override
    public List<U> apply(TaskContext context, scala.collection.Iterator<T> elements) {
      List<U> out = new ArrayList<>(1);
      try {
        perPartition.call(context.partitionId(), CollectionConverters.asJava(elements)).forEachRemaining(out::add);
      } catch (Exception e) {
        throw Task.<RuntimeException>unchecked(e); // as Spark's Java API passes it on: unwrapped
      }
      AtomicReferenceArray<List<?>> handOver = IN_THIS_JVM.get(job);
      if (handOver != null) { // the driver's JVM: a rerun of the task replaces its first result
        handOver.set(context.partitionId(), out);
        return new ArrayList<>(0);
      }
      return out;
    }

    @SuppressWarnings("unchecked")
    private static <E extends Exception> E unchecked(Exception e) throws E {
      throw (E) e;
    }
  }
}
