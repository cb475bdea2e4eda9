package io.sparkdnn.job;

import java.util.Collection;

/** "Did you mean": the known name nearest a mistyped one, by edit distance. */
public final class NearestName {
  private NearestName() {}

  /**
   * The name in {@code known} with the fewest single-character edits (Levenshtein distance) from
   * {@code name}, or null when even that one needs more than max(3, length / 4) edits.
   */
  public static String of(String name, Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(name, k);
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    return bestDistance <= Math.max(3, name.length() / 4) ? best : null;
  }

  /** The number of single-character insertions, deletions and substitutions that turn {@code a} into {@code b}. */
  public static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
