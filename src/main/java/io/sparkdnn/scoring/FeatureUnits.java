package io.sparkdnn.scoring;

import io.sparkdnn.data.DataProfile;
import io.sparkdnn.data.InputColumns;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The units whose values permutation importance shuffles together: every feature column (list of
 * numeric columns); every slot of a vector or array column, named COLUMN[i]; or — for a vector
 * column whose Spark ML attribute metadata names its slots, as VectorAssembler writes it — the
 * slots grouped by the source column they came from. VectorAssembler names the slot of a numeric
 * column after the column ({@code age}) and the slots of a vector column {@code C} as
 * {@code C_NAME} or {@code C_INDEX} ({@code colour_red} for a one-hot encoded colour, {@code tf_17}
 * for hashed terms). A slot belongs to the group of {@code C} when {@code C} is a column of the data
 * being scored (a pipeline's output keeps its intermediate columns) and the slot's name starts with
 * {@code C_}; the longest such {@code C} wins. Other slots stay alone, under their attribute name.
 *
 * @param names one name per unit
 * @param slots per unit, the 0-based input positions it covers
 * @param description how the units were formed, for the report
 */
public record FeatureUnits(String[] names, int[][] slots, String description) implements Serializable {

  public int count() {
    return names.length;
  }

  /**
   * The units of {@code columns} on data with {@code schema} (null: no metadata to read).
   *
   * @param group false: one unit per slot even where metadata would group them
   */
  public static FeatureUnits of(InputColumns columns, StructType schema, boolean group) {
    String[] slotNames = DataProfile.featureNames(columns);
    if (columns.featureShape() == InputColumns.Shape.SCALARS) {
      return single(slotNames, "one unit per feature column");
    }
    String column = columns.featureColumns()[0];
    Attribute[] attributes = attributes(schema, column, columns.width());
    if (attributes == null) {
      return single(slotNames, "one unit per slot of '" + column + "' (its metadata names no slots)");
    }
    for (int j = 0; j < slotNames.length; j++) {
      if (attributes[j] != null && attributes[j].name().isDefined()) {
        slotNames[j] = attributes[j].name().get();
      }
    }
    if (!group) {
      return single(slotNames, "one unit per slot of '" + column + "' (importance.groups = none)");
    }
    List<String> sources = new ArrayList<>();
    for (StructField f : schema.fields()) {
      if (!f.name().equals(column)) {
        sources.add(f.name());
      }
    }
    Map<String, List<Integer>> byUnit = new LinkedHashMap<>();
    int grouped = 0;
    for (int j = 0; j < slotNames.length; j++) {
      String source = sourceOf(slotNames[j], sources);
      grouped += source.equals(slotNames[j]) ? 0 : 1;
      byUnit.computeIfAbsent(source, k -> new ArrayList<>()).add(j);
    }
    String[] names = byUnit.keySet().toArray(new String[0]);
    int[][] slots = new int[names.length][];
    int groups = 0;
    for (int u = 0; u < names.length; u++) {
      slots[u] = byUnit.get(names[u]).stream().mapToInt(Integer::intValue).toArray();
      groups += slots[u].length > 1 ? 1 : 0;
    }
    String description = grouped == 0
        ? "one unit per slot of '" + column + "', named by its ML attribute metadata (no slot came from a column "
            + "of the data)"
        : names.length + " units from the " + slotNames.length + " slots of '" + column + "': " + groups
            + " group(s) of the slots one source column was expanded into (ML attribute metadata), the rest alone";
    return new FeatureUnits(names, slots, description);
  }

  private static FeatureUnits single(String[] names, String description) {
    int[][] slots = new int[names.length][];
    for (int j = 0; j < names.length; j++) {
      slots[j] = new int[] {j};
    }
    return new FeatureUnits(names, slots, description);
  }

  /** The source column a slot named {@code slot} came from, or the slot's own name. */
  static String sourceOf(String slot, List<String> columns) {
    if (columns.contains(slot)) {
      return slot;
    }
    String best = null;
    for (String c : columns) {
      if (slot.startsWith(c + "_") && (best == null || c.length() > best.length())) {
        best = c;
      }
    }
    return best != null ? best : slot;
  }

  /** The column's per-slot attributes when its metadata has them for every slot, else null. */
  private static Attribute[] attributes(StructType schema, String column, int width) {
    if (schema == null || !Arrays.asList(schema.fieldNames()).contains(column)) {
      return null;
    }
    StructField field = schema.apply(column);
    if (!field.dataType().equals(SQLDataTypes.VectorType())) {
      return null;
    }
    AttributeGroup group = AttributeGroup.fromStructField(field);
    if (group.attributes().isEmpty() || group.size() != width) {
      return null;
    }
    return group.attributes().get();
  }
}
