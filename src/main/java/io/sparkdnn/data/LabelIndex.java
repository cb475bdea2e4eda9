package io.sparkdnn.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The classes of a classifier, in output order: label value ↔ output index (the rule is
 * {@link #forClasses}). Stored in the model so that predictions come back as the user's labels.
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
   * The classes of a classifier from the distinct labels of its training data. One rule, for the
   * command line and the Spark ML API alike, so that a label means the same class whichever rows a
   * sample happens to contain:
   *
   * <ul>
   *   <li>multi-class, numeric labels that are all whole numbers ≥ 0: they are class indices, class
   *       k is label k (as Spark ML's StringIndexer makes them); the network needs at least
   *       max + 1 classes, and classes without rows are allowed (the caller warns about them);
   *   <li>binary: the two distinct values, sorted (the smaller is the negative class);
   *   <li>any other labels (strings, negative or fractional numbers): the distinct values, sorted
   *       (numerically for numbers), one class each; there must be exactly as many as classes.
   * </ul>
   *
   * @param distinct the distinct non-null labels, canonical for numbers (see {@link #canonical})
   * @param classes the classes the network tells apart (2 for binary)
   * @param binary whether the network is a binary (one sigmoid output) classifier
   * @throws IllegalArgumentException saying what the network would need
   */
  public static LabelIndex forClasses(boolean numeric, String[] distinct, int classes, boolean binary) {
    if (numeric && !binary) {
      double[] values = Arrays.stream(distinct).mapToDouble(Double::parseDouble).sorted().toArray();
      boolean indices = values.length > 0;
      for (double v : values) {
        indices &= v == Math.rint(v) && v >= 0 && v < Integer.MAX_VALUE;
      }
      if (indices) {
        int needed = (int) values[values.length - 1] + 1;
        if (needed > classes) {
          throw new IllegalArgumentException("labels are class indices (class k is label k) and go up to "
              + canonical(values[values.length - 1]) + ", so the network needs " + needed + " classes, not " + classes
              + "; end network.layers with " + needed + "softmax, or index the labels from 0");
        }
        return identity(classes);
      }
      String[] sorted = Arrays.stream(values).mapToObj(LabelIndex::canonical).toArray(String[]::new);
      return exactly(true, sorted, classes, false);
    }
    String[] sorted;
    if (numeric) {
      sorted = Arrays.stream(distinct).mapToDouble(Double::parseDouble).sorted().mapToObj(LabelIndex::canonical)
          .toArray(String[]::new);
    } else {
      sorted = distinct.clone();
      Arrays.sort(sorted);
    }
    return exactly(numeric, sorted, classes, binary);
  }

  private static LabelIndex exactly(boolean numeric, String[] sorted, int classes, boolean binary) {
    if (sorted.length != classes) {
      throw new IllegalArgumentException(sorted.length + " distinct labels " + preview(sorted) + " but the network has "
          + classes + " classes; "
          + (binary ? "use a multiclass network ending in " + sorted.length + "softmax"
              : "end network.layers with " + sorted.length + "softmax"));
    }
    return new LabelIndex(numeric, sorted);
  }

  /** Up to 10 labels, for messages. */
  public static String preview(String[] labels) {
    if (labels.length <= 10) {
      return Arrays.toString(labels);
    }
    return Arrays.toString(Arrays.copyOf(labels, 10)).replace("]", ", …]");
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
