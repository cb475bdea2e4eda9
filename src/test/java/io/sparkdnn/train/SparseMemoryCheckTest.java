package io.sparkdnn.train;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import org.junit.jupiter.api.Test;

/**
 * The memory check for sparse rows counts what a task holds then: no dense batch of rows × I
 * floats, and copies of the first layer as large as the inputs its rows use.
 */
class SparseMemoryCheckTest {
  private static final NetworkSpec SPEC = NetworkSpec.parse("262144-128relu-10softmax");
  private static final long DRIVER = 3L << 30;
  private static final long TASK = (long) (DRIVER * MemoryCheck.USER_SHARE / 2);

  @Test
  void aDenseBatchOf2To18FeaturesDoesNotFitATaskButSparseRowsDo() {
    IllegalArgumentException dense = assertThrows(IllegalArgumentException.class, () -> MemoryCheck.check(SPEC,
        Task.MULTICLASS, 10, 2, true, 1024, DRIVER, TASK, "the driver's memory"));
    assertTrue(dense.getMessage().contains("workspaces for 1024 rows 1.0 GiB"), dense.getMessage());
    assertDoesNotThrow(() -> MemoryCheck.check(SPEC, Task.MULTICLASS, 10, 2, true, 1024, DRIVER, TASK,
        "the driver's memory", 0), "before packing: the driver and the workspaces");
    assertDoesNotThrow(() -> MemoryCheck.check(SPEC, Task.MULTICLASS, 10, 2, true, 1024, DRIVER, TASK,
        "the driver's memory", 10_484), "the inputs one partition of the Debian descriptions uses");
  }

  @Test
  void aTaskWhoseRowsUseEveryInputIsRefusedSayingWhatToRaise() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemoryCheck.check(SPEC,
        Task.MULTICLASS, 10, 2, true, 1024, DRIVER, TASK, "spark.executor.memory (now 1g)", 1 << 18));
    assertTrue(e.getMessage().contains("first-layer rows of up to 262144 inputs and the rest"), e.getMessage());
    assertTrue(e.getMessage().contains("raise spark.executor.memory (now 1g)"), e.getMessage());
  }
}
