package io.sparkdnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AggregationPlanTest {
  private static final long MB = 1L << 20;

  /** The fan-in mirrors Spark's treeAggregate: few partitions need no extra level. */
  @Test
  void fanInFollowsSparksTreeLevels() {
    assertEquals(2, AggregationPlan.fanIn(2, 2));
    assertEquals(4, AggregationPlan.fanIn(4, 2));
    assertEquals(10, AggregationPlan.fanIn(100, 2));
    assertEquals(1000, AggregationPlan.fanIn(1000, 1));
    // Intermediate levels: none while the results are few, one (a shuffle stage) from 8 at depth 2.
    assertEquals(0, AggregationPlan.levels(4, 2));
    assertEquals(1, AggregationPlan.levels(8, 2));
    assertEquals(0, AggregationPlan.levels(16, 1));
    assertTrue(AggregationPlan.fanIn(1000, 3) <= 20);
  }

  @Test
  void picksTheShallowestDepthThatFits() {
    // 8 results of 1 MB: straight to the driver, no shuffle level.
    AggregationPlan small = AggregationPlan.plan(MB, 10 * MB, 8, 1024 * MB, 4096 * MB, 0);
    assertEquals(1, small.depth());
    assertEquals(8, small.fanIn());
    // 64 results of 1 MB (over the 32 MiB of a flat merge): one tree level, 8 results at the driver.
    AggregationPlan many = AggregationPlan.plan(MB, 10 * MB, 64, 1024 * MB, 4096 * MB, 0);
    assertEquals(2, many.depth());
    assertEquals(8, many.fanIn());
    // 1000 partitions of 4 MB: depth 2 collects 32 (128 MB) — over a 100 MB limit; depth 3 fits.
    AggregationPlan deep = AggregationPlan.plan(4 * MB, 10 * MB, 1000, 100 * MB, 4096 * MB, 0);
    assertTrue(deep.depth() >= 3, "depth " + deep.depth());
    assertTrue(deep.fanIn() * 4 * MB <= 100 * MB);
  }

  @Test
  void failsFastWithWhatToChange() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> AggregationPlan.plan(200 * MB, 10 * MB, 64, 256 * MB, 4096 * MB, 0));
    assertTrue(e.getMessage().contains("summing gradients will not fit on the driver"), e.getMessage());
    assertTrue(e.getMessage().contains("spark.driver.maxResultSize"), e.getMessage());
    assertTrue(e.getMessage().contains("data.partitions"), e.getMessage());
    e = assertThrows(IllegalStateException.class,
        () -> AggregationPlan.plan(200 * MB, 10 * MB, 64, 0, 4096 * MB, 2));
    assertTrue(e.getMessage().contains("training.tree-depth"), e.getMessage());
    e = assertThrows(IllegalStateException.class,
        () -> AggregationPlan.plan(MB, 900 * MB, 2, 0, 1024 * MB, 0));
    assertTrue(e.getMessage().contains("raise spark.driver.memory"), e.getMessage());
  }
}
