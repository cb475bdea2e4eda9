package io.sparkdnn.train;

import io.sparkdnn.data.DataException;
import io.sparkdnn.data.InputColumns;
import io.sparkdnn.data.LabelIndex;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import io.sparkdnn.model.DnnModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Whether an existing model's weights can start this training: same shapes, inputs and classes. */
final class WarmStart {
  private WarmStart() {}

  /**
   * Throws with every difference listed, and what to do, or returns when the model fits.
   *
   * @param dataName the training data, as messages name it
   */
  static void check(DnnModel from, NetworkSpec spec, Task task, InputColumns columns, LabelIndex labels,
      String dataName) {
    List<String> differences = new ArrayList<>();
    if (!from.spec().sameShapeAs(spec)) {
      differences.add("its network is " + from.spec() + ", the configured one " + spec);
    }
    if (from.task() != task) {
      differences.add("it was trained for " + from.task().token() + ", this run is " + task.token());
    }
    InputColumns old = from.columns();
    if (!Arrays.equals(old.featureColumns(), columns.featureColumns()) || old.width() != columns.width()) {
      differences.add("its features are " + Arrays.toString(old.featureColumns()) + " (" + old.width()
          + " values), the data's are " + Arrays.toString(columns.featureColumns()) + " ("
          + columns.width() + " values)");
    }
    if (!Arrays.equals(old.labelColumns(), columns.labelColumns())) {
      differences.add("its label columns are " + Arrays.toString(old.labelColumns()) + ", the data's "
          + Arrays.toString(columns.labelColumns()));
    }
    if (from.labels() != null && labels != null && !from.labels().isNumeric() && !labels.isNumeric()) {
      // text: the data may hold some of the model's classes (a batch without a rare one), not others
      List<String> unknown = new ArrayList<>();
      for (String label : labels.labels()) {
        if (from.labels().indexOf(label) < 0) {
          unknown.add(label);
        }
      }
      if (!unknown.isEmpty()) {
        differences.add("label column '" + columns.labelColumns()[0] + "' of " + dataName + " has " + unknown.size()
            + " label(s) that are none of its classes " + LabelIndex.preview(from.labels().labels()) + ": "
            + LabelIndex.preview(unknown.toArray(new String[0])));
      }
    } else if (from.labels() != null && labels != null && !from.labels().equals(labels)) {
      LabelIndex was = from.labels();
      // the same names of another kind (text "0", "1" against numbers 0, 1) would read as no difference
      boolean kind = was.isNumeric() != labels.isNumeric();
      differences.add("its classes are " + (kind ? kind(was) : "") + LabelIndex.preview(was.labels())
          + ", " + dataName + " has " + (kind ? kind(labels) : "") + LabelIndex.preview(labels.labels())
          + " in label column '" + columns.labelColumns()[0] + "'");
    }
    if (!differences.isEmpty()) {
      throw new DataException("cannot warm-start from the model (model.warm-start): "
          + String.join("; ", differences) + "; train without model.warm-start, or warm-start from a model "
          + "trained with the same network, features and classes");
    }
  }

  private static String kind(LabelIndex labels) {
    return labels.isNumeric() ? "numbers " : "text ";
  }
}
