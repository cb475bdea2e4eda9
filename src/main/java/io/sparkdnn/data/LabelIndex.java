package io.sparkdnn.data;

import io.sparkdnn.files.Causes;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
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
      // a float column's 0.37 is keyed by the double nearest it, 0.3700000047683716; shown as 0.37
      String[] shown = numeric
          ? Arrays.stream(sorted).map(key -> displayWidened(Double.parseDouble(key))).toArray(String[]::new) : sorted;
      String[] fractions = numeric ? fractions(sorted, shown) : new String[0];
      throw new IllegalArgumentException(sorted.length + " distinct labels " + preview(shown) + " but the network has "
          + classes + " classes; "
          + (fractions.length > 0 ? continuous(fractions, REGRESSION)
              : binary ? "use a multiclass network ending in " + sorted.length + "softmax"
              : "end network.layers with " + sorted.length + "softmax"));
    }
    return new LabelIndex(numeric, sorted);
  }

  /**
   * What to do when labels with fractions do not fit a classifier: a number with a fractional part
   * is a measurement, not a class, so the hint is a regression network rather than a classifier of
   * as many classes as the sample happens to hold.
   *
   * @param fractions labels with a fractional part, as they should be shown (at least one; the
   *     first two are named)
   * @param howToRegress how the caller's user asks for regression, e.g. {@link #REGRESSION}
   * @return e.g. "the labels look like continuous values (e.g. 0.37, 1.52): for regression end
   *     network.layers with 1identity (see conf/regression.conf)"
   */
  public static String continuous(String[] fractions, String howToRegress) {
    return "the labels look like continuous values (e.g. "
        + String.join(", ", Arrays.copyOf(fractions, Math.min(2, fractions.length))) + "): for regression "
        + howToRegress;
  }

  /** How the command line asks for regression (network.task = auto takes it from the identity output). */
  public static final String REGRESSION = "end network.layers with 1identity (see conf/regression.conf)";

  /** Of numeric labels (keys as {@link #canonical} writes them), those with a fractional part, as shown. */
  private static String[] fractions(String[] keys, String[] shown) {
    List<String> fractions = new ArrayList<>();
    for (int i = 0; i < keys.length; i++) {
      double v = Double.parseDouble(keys[i]);
      if (Double.isFinite(v) && v != Math.rint(v)) {
        fractions.add(shown[i]);
      }
    }
    return fractions.toArray(new String[0]);
  }

  /** Up to 10 labels, for messages. */
  public static String preview(String[] labels) {
    String[] shown = Arrays.stream(labels).limit(10).map(Causes::escaped).toArray(String[]::new);
    return labels.length <= 10 ? Arrays.toString(shown) : Arrays.toString(shown).replace("]", ", …]");
  }

  /**
   * A label value read from a row, for messages: {@link #display} for numbers; text in single quotes,
   * {@link Causes#escaped}, so that a label such as "a, b" or one holding a line break reads as one value
   * and cannot break the one line an error is reported as.
   */
  public static String shown(Object value) {
    return value instanceof String text ? "'" + Causes.escaped(text) + "'" : display(value);
  }

  /**
   * One spelling per number: 1, 1.0 and 1.00 are the same class. This is the key a numeric class
   * is stored and looked up by; to show a value read from a row, use {@link #display}.
   */
  public static String canonical(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }

  /**
   * A label value read from a row (a cell of Spark's {@code Row} or of {@link Cells#label}), as the
   * data holds it, for messages: a whole number as an integer ({@code 0}, whether the column holds
   * ints or doubles — never {@code 0.0}), a fraction as it reads ({@code 0.37}, also from a float
   * column, where the double nearest the float would read 0.3700000047683716), a decimal without
   * trailing zeros, text as written.
   */
  public static String display(Object value) {
    if (value instanceof Float f) {
      return f == Math.rint(f) && Math.abs(f) < 1e15 ? Long.toString(f.longValue()) : Float.toString(f);
    }
    if (value instanceof java.math.BigDecimal d) {
      return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }
    if (value instanceof Double d) {
      return canonical(d);
    }
    return String.valueOf(value); // Integer, Long, Short, Byte: exact as they are; String; Boolean
  }

  /**
   * {@link #display} for a label that may have been widened from a float column to double, as
   * Spark ML's {@code Predictor.fit} does to every label column: a double that is exactly a float
   * is shown as the float reads (0.37 rather than 0.3700000047683716); any other as a double.
   */
  public static String displayWidened(double value) {
    float narrow = (float) value;
    return narrow == value ? display(narrow) : display(value);
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

  /**
   * The output index of a label value as read from a row, or −1 if it is not a known class. A
   * numeric class matches the number whatever its type, and text that spells it ("1" or "1.0" for
   * class 1); a text class matches the text, and a number as {@link #display} shows it (1 or 1.0
   * for class "1", as a CSV file's column of 0/1 is read as numbers), or as Java spells it.
   */
  public int indexOf(Object value) {
    if (lookup == null) {
      Map<String, Integer> map = new HashMap<>();
      for (int i = 0; i < labels.length; i++) {
        map.put(labels[i], i);
      }
      lookup = map;
    }
    Integer index = lookup.get(keyOf(value));
    if (index == null && !numeric && value instanceof Number) {
      index = lookup.get(String.valueOf(value)); // a text class "1.0" from a column of text
    }
    return index == null ? -1 : index;
  }

  /** A number as a text cell writes it: not Java's other spellings (1f, 0x1p0, Infinity). */
  private static final java.util.regex.Pattern DECIMAL =
      java.util.regex.Pattern.compile("\\s*[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?\\s*");

  private String keyOf(Object value) {
    if (!numeric) {
      return display(value);
    }
    if (value instanceof Number) {
      return canonical(((Number) value).doubleValue());
    }
    if (value instanceof String text && DECIMAL.matcher(text).matches()) {
      return canonical(Double.parseDouble(text.trim()));
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
