package io.sparkdnn.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
