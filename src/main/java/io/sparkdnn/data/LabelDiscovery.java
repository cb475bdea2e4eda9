package io.sparkdnn.data;

import java.util.function.Function;

/**
 * A classifier's classes found in the pass that packs its training rows, rather than by a scan of
 * the labels of its own before packing (one Spark job less: about a second before the main job's
 * first epoch). Each partition codes its labels as it reads them ({@link DistinctLabels.Coded});
 * between packing's two jobs the codes meet on the driver, {@code rule} turns what was found into
 * the classes (or refuses the labels, with the message a separate scan would have given), and the
 * rows' codes become class indices as the rows are cut into blocks. Driver side only.
 */
public final class LabelDiscovery {
  private final int limit;
  private final Function<DistinctLabels.Found, LabelIndex> rule;
  private LabelIndex classes;

  /**
   * @param limit the most distinct labels a partition counts (as {@link DistinctLabels#of}; more
   *     make {@code rule} refuse the labels)
   * @param rule the classes of what was found; throws {@link DataException} for labels that make no
   *     classes for the network
   */
  public LabelDiscovery(int limit, Function<DistinctLabels.Found, LabelIndex> rule) {
    this.limit = limit;
    this.rule = rule;
  }

  int limit() {
    return limit;
  }

  LabelIndex decide(DistinctLabels.Found found) {
    classes = rule.apply(found);
    return classes;
  }

  /**
   * The classes found.
   *
   * @throws IllegalStateException before the packing they were found in
   */
  public LabelIndex classes() {
    if (classes == null) {
      throw new IllegalStateException("the classes are found by packing the training rows first");
    }
    return classes;
  }
}
