package io.sparkdnn.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How much each class counts in the training loss ({@code data.class-weights}): not at all
 * differently ({@code none}), inversely to how often it occurs ({@code balanced}: weight of class c
 * = rows / (classes · rows of c), as scikit-learn's class_weight="balanced"), or as given per label.
 * A row's weight in the loss is its own weight (data.weight) times its class's. Evaluation metrics use
 * the row weights only: class weights change what training optimises, not what is measured.
 */
public final class ClassWeights implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The kinds of class weighting. */
  public enum Mode {
    NONE,
    BALANCED,
    GIVEN
  }

  private final Mode mode;
  private final LinkedHashMap<String, Double> given;

  private ClassWeights(Mode mode, Map<String, Double> given) {
    this.mode = mode;
    this.given = new LinkedHashMap<>(given);
  }

  public static ClassWeights none() {
    return new ClassWeights(Mode.NONE, Map.of());
  }

  public static ClassWeights balanced() {
    return new ClassWeights(Mode.BALANCED, Map.of());
  }

  /**
   * @param weights label (as the data spells it) → weight, each a finite number ≥ 0; labels not
   *     listed weigh 1
   * @throws IllegalArgumentException for a negative or non-finite weight
   */
  public static ClassWeights given(Map<String, Double> weights) {
    for (Map.Entry<String, Double> e : weights.entrySet()) {
      if (!(e.getValue() >= 0) || e.getValue().isInfinite()) {
        throw new IllegalArgumentException("data.class-weights: the weight of class '" + e.getKey()
            + "' must be a finite number ≥ 0, found " + e.getValue());
      }
    }
    return weights.isEmpty() ? none() : new ClassWeights(Mode.GIVEN, weights);
  }

  public Mode mode() {
    return mode;
  }

  /** The given weights by label (empty unless {@link Mode#GIVEN}). */
  public Map<String, Double> given() {
    return new LinkedHashMap<>(given);
  }

  /**
   * One weight per class index, for classes {@code labels} with {@code counts} training rows each;
   * null for {@link Mode#NONE}.
   *
   * @throws DataException when a given label is not one of the classes (of the training data: a
   *     fact of the data, which the Spark ML API words as its params)
   */
  public float[] resolve(LabelIndex labels, long[] counts) {
    switch (mode) {
      case NONE:
        return null;
      case BALANCED: {
        long total = 0;
        int present = 0;
        for (long c : counts) {
          total += c;
          present += c > 0 ? 1 : 0;
        }
        float[] w = new float[counts.length];
        for (int k = 0; k < w.length; k++) {
          w[k] = counts[k] == 0 ? 1f : (float) ((double) total / ((double) present * counts[k]));
        }
        return w;
      }
      case GIVEN: {
        float[] w = new float[labels.size()];
        java.util.Arrays.fill(w, 1f);
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<String, Double> e : given.entrySet()) {
          int k = labels.indexOf(labels.isNumeric() ? parseOrText(e.getKey()) : e.getKey());
          if (k < 0) {
            unknown.add(e.getKey());
          } else {
            w[k] = e.getValue().floatValue();
          }
        }
        if (!unknown.isEmpty()) {
          throw new DataException("data.class-weights names " + unknown + ", which "
              + (unknown.size() == 1 ? "is not a class" : "are not classes") + " of the training data; the classes are "
              + LabelIndex.preview(labels.labels()));
        }
        return w;
      }
      default:
        throw new AssertionError(mode);
    }
  }

  private static Object parseOrText(String key) {
    try {
      return Double.parseDouble(key);
    } catch (NumberFormatException e) {
      return key;
    }
  }

  /** The form {@code --set data.class-weights=…} takes: none, balanced, or {label = weight, …}. */
  public String toConfiguration() {
    switch (mode) {
      case NONE:
        return "none";
      case BALANCED:
        return "balanced";
      default: {
        StringBuilder sb = new StringBuilder("{");
        given.forEach((k, v) -> sb.append(sb.length() > 1 ? ", " : "").append('"').append(k.replace("\"", "\\\""))
            .append("\" = ").append(v));
        return sb.append('}').toString();
      }
    }
  }
}
