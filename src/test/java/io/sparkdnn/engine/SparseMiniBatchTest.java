package io.sparkdnn.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Filling a sparse batch row by row and in place, growing it, and the rules on column indices:
 * out of range, repeated and unsorted indices are errors naming the row and the index, whether they
 * come through addRow or were written in place and found at the pass.
 */
class SparseMiniBatchTest {
  private static final NetworkSpec SPEC = NetworkSpec.parse("12-4relu-3softmax");
  private static final float[] TARGET = {1f};

  private static SparseInputNetwork network(int capacity) {
    return new SparseInputNetwork(SPEC, Task.MULTICLASS, capacity, new NaiveGemm());
  }

  @Test
  void outOfRangeColumnIsRejectedNamingRowAndIndex() {
    SparseMiniBatch batch = network(4).batch();
    batch.addRow(new int[] {0, 5}, new float[] {1f, 1f}, 0, 2, TARGET, 0, 70);
    assertMessage(() -> batch.addRow(new int[] {3, 12}, new float[] {1f, 1f}, 0, 2, TARGET, 0, 71),
        "row 1 (row id 71) has column index 12 at non-zero 1; expected an index in [0, 12)");
    assertMessage(() -> batch.addRow(new int[] {-1}, new float[] {1f}, 0, 1, TARGET, 0, 72),
        "row 1 (row id 72) has column index -1");
    assertEquals(1, batch.rows(), "a rejected row is not added");
  }

  @Test
  void repeatedAndUnsortedColumnsAreRejected() {
    SparseMiniBatch batch = network(4).batch();
    assertMessage(() -> batch.addRow(new int[] {2, 4, 4}, new float[] {1f, 1f, 1f}, 0, 3, TARGET, 0, 9),
        "column index 4 after 4 at non-zero 2; a repeated index is not summed");
    assertMessage(() -> batch.addRow(new int[] {2, 7, 3}, new float[] {1f, 1f, 1f}, 0, 3, TARGET, 0, 9),
        "column index 3 after 7 at non-zero 2; indices within a row must be strictly increasing");
  }

  @Test
  void badIndicesWrittenInPlaceAreFoundByEveryPass() {
    SparseInputNetwork net = network(3);
    SparseMiniBatch batch = net.batch();
    int[] offsets = batch.rowOffsets();
    int[] columns = batch.columns();
    float[] values = batch.values();
    offsets[0] = 0;
    columns[0] = 1;
    values[0] = 1f;
    offsets[1] = 1;
    offsets[2] = 1; // row 1 empty
    columns[1] = 4;
    columns[2] = 12; // row 2: {4, 12}
    values[1] = 1f;
    values[2] = 1f;
    offsets[3] = 3;
    batch.rowIds()[2] = 1234;
    batch.setRows(3);
    InputMajorVector params = InputMajorVector.fromCanonical(SPEC, Initialization.AUTO.initialize(SPEC, 1));
    InputMajorVector gradient = InputMajorVector.zeros(SPEC);
    String expected = "sparse batch row 2 (row id 1234) has column index 12 at non-zero 1; "
        + "expected an index in [0, 12)";
    assertMessage(() -> net.accumulateGradient(params, gradient, new LossAccumulator(), 0L), expected);
    assertMessage(() -> net.evaluate(params, new LossAccumulator()), expected);
    assertMessage(() -> net.predict(params), expected);
    assertMessage(() -> new TouchedInputsAccumulator(12).add(batch), expected);
    assertArrayEquals(new float[SPEC.parameterCount()], gradient.inputMajorValues(),
        "nothing is computed from a batch that fails its check");

    columns[2] = 11;
    net.accumulateGradient(params, gradient, new LossAccumulator(), 0L); // now valid
    offsets[2] = 0;
    assertMessage(() -> net.predict(params),
        "sparse batch row 1 (row id 0): rowOffsets[2] = 0 is below rowOffsets[1] = 1");
  }

  @Test
  void inPlaceRowsPastTheCapacityAskForEnsureNonZeroCapacity() {
    SparseInputNetwork net = network(2);
    SparseMiniBatch batch = net.batch();
    int capacity = batch.nonZeroCapacity();
    batch.rowOffsets()[1] = capacity + 1;
    batch.setRows(1);
    assertMessage(() -> net.predict(InputMajorVector.zeros(SPEC)),
        "ends at non-zero " + (capacity + 1) + " but the batch holds " + capacity
            + "; call ensureNonZeroCapacity");
  }

  @Test
  void growsAndKeepsWhatWasWritten() {
    SparseMiniBatch batch = network(3).batch();
    int initial = batch.nonZeroCapacity();
    batch.addRow(new int[] {1, 2}, new float[] {0.5f, 0.25f}, 0, 2, TARGET, 0, 1);
    batch.ensureNonZeroCapacity(initial + 1);
    assertTrue(batch.nonZeroCapacity() >= initial + 1);
    assertArrayEquals(new int[] {1, 2}, java.util.Arrays.copyOf(batch.columns(), 2));
    assertArrayEquals(new float[] {0.5f, 0.25f}, java.util.Arrays.copyOf(batch.values(), 2));

    // rows longer than anything the batch held before: addRow grows by itself
    SparseMiniBatch wide = new SparseInputNetwork(
        NetworkSpec.parse("5000-3relu-2softmax"), Task.MULTICLASS, 2, new NaiveGemm()).batch();
    int[] columns = new int[5000];
    float[] values = new float[5000];
    for (int i = 0; i < columns.length; i++) {
      columns[i] = i;
      values[i] = i;
    }
    int before = wide.nonZeroCapacity();
    wide.addRow(columns, values, 0, 5000, TARGET, 0, 1);
    wide.addRow(columns, values, 10, 4990, TARGET, 0, 2);
    assertTrue(before < 9990 && wide.nonZeroCapacity() >= 9990, "grew from " + before);
    assertEquals(9990, wide.nonZeros());
    assertEquals(5000, wide.rowOffsets()[1]);
    assertEquals(10, wide.columns()[5000]);
    assertEquals(4999f, wide.values()[9989]);
  }

  @Test
  void capacityInRowsAndArgumentChecks() {
    SparseMiniBatch batch = network(1).batch();
    batch.addRow(new int[] {0}, new float[] {1f}, 0, 1, TARGET, 0, 1);
    assertMessage(() -> batch.addRow(new int[] {0}, new float[] {1f}, 0, 1, TARGET, 0, 2),
        "the mini-batch is full: it holds 1 rows");
    assertMessage(() -> batch.setRows(2), "a mini-batch holds 0..1 rows, asked for 2");
    batch.clear();
    assertEquals(0, batch.rows());
    assertMessage(() -> batch.addRow(new int[] {0}, new float[] {1f}, 0, 2, TARGET, 0, 3),
        "2 non-zeros from position 0 do not fit");
  }

  @Test
  void vectorsOfAnotherShapeAreRejected() {
    SparseInputNetwork net = network(1);
    NetworkSpec other = NetworkSpec.parse("12-5relu-3softmax");
    assertMessage(() -> net.predict(InputMajorVector.zeros(other)),
        "parameter vector is laid out for network 12-5relu-3softmax but this network is 12-4relu-3softmax");
  }

  private static void assertMessage(Executable call, String part) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(part), "message: " + e.getMessage() + "\nexpected to contain: " + part);
  }
}
