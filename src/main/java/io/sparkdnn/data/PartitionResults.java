package io.sparkdnn.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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
    rdd.context().runJob(rdd.rdd(), new Task<>(perPartition), CollectionConverters.asScala(indices).toSeq(),
        new AbstractFunction2<Object, List<U>, BoxedUnit>() {
          @Override
          public BoxedUnit apply(Object partition, List<U> result) {
            results.set((Integer) partition, result); // the scheduler calls this one result at a time
            return BoxedUnit.UNIT;
          }
        }, tag);
    U merged = zero;
    try {
      for (List<U> partition : results) {
        for (U u : partition) {
          merged = merge.call(merged, u);
        }
      }
    } catch (Exception e) {
      throw Task.<RuntimeException>unchecked(e);
    }
    return merged;
  }

  /** The function a task runs: a class, not a Scala closure, so that the closure cleaner skips it. */
  private static final class Task<T, U> extends AbstractFunction2<TaskContext, scala.collection.Iterator<T>, List<U>>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Function2<Integer, Iterator<T>, Iterator<U>> perPartition;

    Task(Function2<Integer, Iterator<T>, Iterator<U>> perPartition) {
      this.perPartition = perPartition;
    }

    @Override
    public List<U> apply(TaskContext context, scala.collection.Iterator<T> elements) {
      List<U> out = new ArrayList<>(1);
      try {
        perPartition.call(context.partitionId(), CollectionConverters.asJava(elements)).forEachRemaining(out::add);
      } catch (Exception e) {
        throw Task.<RuntimeException>unchecked(e); // as Spark's Java API passes it on: unwrapped
      }
      return out;
    }

    @SuppressWarnings("unchecked")
    private static <E extends Exception> E unchecked(Exception e) throws E {
      throw (E) e;
    }
  }
}
