package io.sparkdnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sparkdnn.data.LabelIndex;
import org.junit.jupiter.api.Test;

/** The warning for classes without training rows, whatever took their rows away. */
class ClassesWithoutRowsTest {

  @Test
  void everyClassWithRowsWarnsOfNothing() {
    assertNull(DnnTrainer.classesWithoutRows(LabelIndex.identity(3), new long[] {4, 1, 9}, "y", 5, 2, false));
    assertNull(DnnTrainer.classesWithoutRows(LabelIndex.identity(3), null, "y", 0, 0, false));
  }

  @Test
  void aGapInNumericLabelsIsNamed() {
    assertEquals("the training data has no rows of class [1] (of 3) in label column 'y' (class k is label k); "
        + "the model can never predict it well",
        DnnTrainer.classesWithoutRows(LabelIndex.identity(3), new long[] {4, 0, 9}, "y", 0, 0, false));
  }

  @Test
  void labelsWhoseRowsWereSkippedOrHeldOutAreNamedWithWhy() {
    LabelIndex text = new LabelIndex(false, new String[] {"alpha", "beta", "gamma"});
    assertEquals("the training data has no rows of classes [alpha, gamma] (of 3) in label column 'kind' "
        + "(1 row was skipped as bad; 12 rows were held out for validation); the model can never predict them well",
        DnnTrainer.classesWithoutRows(text, new long[] {0, 7, 0}, "kind", 1, 12, false));
  }

  @Test
  void aWarmStartSaysTheNewDataLacksTheModelsClass() {
    LabelIndex text = new LabelIndex(false, new String[] {"alpha", "beta"});
    assertEquals("the training data has no rows of class [beta] (of 2) in label column 'kind'; "
        + "training the warm-start model without it may unlearn it",
        DnnTrainer.classesWithoutRows(text, new long[] {5, 0}, "kind", 0, 0, true));
  }
}
