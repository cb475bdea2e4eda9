package io.sparkdnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sparkdnn.SparkTestSession;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/** A round's value reaches a local master's tasks as the driver's object, and is released with the round. */
class SharedValueTest {
  /** The object the driver shares, for the tasks to compare with: a static, so not carried by the closure. */
  private static volatile float[] shared;

  @Test
  void aLocalMastersTasksReadTheDriversObjectUntilItIsClosed() {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
    int heldBefore = SharedValue.InThisJvm.held();
    shared = new float[] {1f, 2f, 3f};
    SharedValue<float[]> value = SharedValue.of(sc, shared);
    assertInstanceOf(SharedValue.InThisJvm.class, value, "local[2]: every task runs in this JVM");
    List<Boolean> same = sc.parallelize(List.of(1, 2, 3, 4), 4).map(i -> value.value() == shared).collect();
    assertEquals(List.of(true, true, true, true), same, "each task read the driver's array, not a copy");
    value.close();
    assertEquals(heldBefore, SharedValue.InThisJvm.held(), "released");
    IllegalStateException e = assertThrows(IllegalStateException.class, value::value);
    assertEquals(true, e.getMessage().contains("released when its job ended"), e.getMessage());
  }
}
