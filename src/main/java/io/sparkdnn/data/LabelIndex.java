package io.sparkdnn.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The classes of a classifier, in output order: label value ↔ output index. Numeric labels that are
 * already the integers 0..K−1 map to themselves; anything else (strings, {−1, 1}, {3, 7, 9}) is
 * sorted and numbered. Stored in the model so that predictions come back as the user's labels.
 */
public final class LabelIndex implements Serializable {
  private static final long serialVersionUID = 1L;

  private final boolean numeric;
  private final String[] labels;
  private transient Map<String, Integer> lookup;

  public LabelIndex(boolean numeric, String[] labels) {
    this.numeric = numeric;
    this.labels = labels.clone();
  }

  /** Numeric classes 0..k−1. */
  public static LabelIndex identity(int k) {
    String[] labels = new String[k];
    for (int i = 0; i < k; i++) {
      labels[i] = Integer.toString(i);
    }
    return new LabelIndex(true, labels);
  }

  /**
   * The index for the distinct values seen in the data: identity 0..classes−1 when they are all
   * integers in [0, classes), so that a class missing from the data does not shift the others; else
   * the distinct values sorted (numerically for numbers).
   */
  public static LabelIndex fromDistinct(boolean numeric, String[] distinct, int classes) {
    if (numeric) {
      double[] values = Arrays.stream(distinct).mapToDouble(Double::parseDouble).sorted().toArray();
      boolean identity = true;
      for (double v : values) {
        identity &= v == Math.rint(v) && v >= 0 && v < classes;
      }
      if (identity && values.length > 0) {
        return identity(classes);
      }
      return new LabelIndex(true, Arrays.stream(values).mapToObj(LabelIndex::canonical).toArray(String[]::new));
    }
    String[] sorted = distinct.clone();
    Arrays.sort(sorted);
    return new LabelIndex(false, sorted);
  }

  /** One spelling per number: 1, 1.0 and 1.00 are the same class. */
  public static String canonical(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }

  public boolean isNumeric() {
    return numeric;
  }

  public int size() {
    return labels.length;
  }

  public String label(int index) {
    return labels[index];
  }

  public String[] labels() {
    return labels.clone();
  }

  /** The output index of a label value as read from a row, or −1 if it is not a known class. */
  public int indexOf(Object value) {
    if (lookup == null) {
      Map<String, Integer> map = new HashMap<>();
      for (int i = 0; i < labels.length; i++) {
        map.put(labels[i], i);
      }
      lookup = map;
    }
    Integer index = lookup.get(keyOf(value));
    return index == null ? -1 : index;
  }

  String keyOf(Object value) {
    if (numeric) {
      return value instanceof Number ? canonical(((Number) value).doubleValue()) : String.valueOf(value);
    }
    return String.valueOf(value);
  }

  /** The prediction column value for an output index: a double for numeric labels, else the string. */
  public Object valueOf(int index) {
    return numeric ? (Object) Double.parseDouble(labels[index]) : labels[index];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelIndex
        && numeric == ((LabelIndex) o).numeric
        && Arrays.equals(labels, ((LabelIndex) o).labels);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(labels) + (numeric ? 1 : 0);
  }
}
