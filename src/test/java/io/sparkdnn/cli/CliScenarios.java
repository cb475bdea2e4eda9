package io.sparkdnn.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs several commands in one JVM, as a user's shell would one after another, for the tests that
 * read what a real run prints on stderr (Spark's own logging included). Arguments: commands
 * separated by "--next". Before each: "=== case N" on stderr; after: "=== exit S".
 */
public final class CliScenarios {
  private CliScenarios() {}

  public static void main(String[] args) {
    List<List<String>> cases = new ArrayList<>();
    List<String> current = new ArrayList<>();
    for (String a : args) {
      if (a.equals("--next")) {
        cases.add(current);
        current = new ArrayList<>();
      } else {
        current.add(a);
      }
    }
    cases.add(current);
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    for (int i = 0; i < cases.size(); i++) {
      System.err.println("=== case " + i + " " + Arrays.toString(cases.get(i).subList(0, 1).toArray()));
      int status = Main.run(out, err, cases.get(i).toArray(new String[0]));
      System.err.println("=== exit " + status);
    }
    System.exit(0);
  }
}
