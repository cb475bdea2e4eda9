package io.sparkdnn.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.SparkTestSession;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/** One result per partition, merged as treeAggregate merges them, and on the driver in partition order. */
class PartitionResultsTest {
  private static JavaRDD<Integer> numbers(int partitions) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
    return sc.parallelize(IntStream.range(0, 40).boxed().toList(), partitions);
  }

  /** Each partition's (index, sum); merged by appending, which is not commutative: the order shows. */
  private static ArrayList<String> aggregate(JavaRDD<Integer> rdd, int depth) {
    return PartitionResults.aggregate(rdd, (index, elements) -> {
      int sum = 0;
      while (elements.hasNext()) {
        sum += elements.next();
      }
      return Collections.singletonList(new ArrayList<>(List.of(index + ":" + sum))).iterator();
    }, new ArrayList<String>(), (a, b) -> {
      a.addAll(b);
      return a;
    }, depth);
  }

  @Test
  void depthOneMergesOnTheDriverInPartitionOrder() {
    assertEquals(List.of("0:10", "1:35", "2:60", "3:85", "4:110", "5:135", "6:160", "7:185"),
        aggregate(numbers(8), 1));
  }

  @Test
  void deeperTreesMergeTheSameResults() {
    List<String> tree = new ArrayList<>(aggregate(numbers(8), 2));
    Collections.sort(tree);
    List<String> driver = new ArrayList<>(aggregate(numbers(8), 1));
    Collections.sort(driver);
    assertEquals(driver, tree);
  }

  /** What the tasks of the last handover test made, by partition: the driver must get these very objects. */
  private static final java.util.Map<Integer, float[]> MADE = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * With a local master each task's result reaches the driver as the object the task made, not a
   * copy read back from Spark's serializer (which would be a new array: a Kryo round trip).
   */
  @Test
  void aLocalMastersResultsAreHandedOverAsTheObjectsTheTasksMade() {
    MADE.clear();
    List<float[]> got = PartitionResults.aggregate(numbers(4), (index, elements) -> {
      float[] made = new float[100_000];
      made[0] = index;
      MADE.put(index, made);
      return Collections.singletonList(new ArrayList<>(List.of(made))).iterator();
    }, new ArrayList<float[]>(), (a, b) -> {
      a.addAll(b);
      return a;
    }, 1);
    assertEquals(4, got.size());
    for (int p = 0; p < 4; p++) {
      assertSame(MADE.get(p), got.get(p), "partition " + p);
    }
  }

  /** A task's own exception reaches the caller as Spark reports it, with the original as its cause. */
  @Test
  void aFailingTaskFailsTheJobWithItsException() {
    Exception e = assertThrows(Exception.class, () -> PartitionResults.aggregate(numbers(4), (index, elements) -> {
      if (index == 2) {
        throw new DataException("row 21: bad");
      }
      return Collections.singletonList(1).iterator();
    }, 0, Integer::sum, 1));
    Throwable cause = e;
    while (cause.getCause() != null && !(cause instanceof DataException)) {
      cause = cause.getCause();
    }
    assertTrue(cause instanceof DataException && cause.getMessage().equals("row 21: bad"), e.toString());
  }
}
