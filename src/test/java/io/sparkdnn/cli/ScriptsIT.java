package io.sparkdnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/dnn run from another directory, as a user runs a command: relative paths are read and
 * written from the caller's directory, not the repository's (it used to cd into the repository,
 * so a model given as out/model was written into the clone).
 */
class ScriptsIT {
  @TempDir Path dir;

  private String[] dnn(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of("scripts/dnn").toAbsolutePath().toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("DNN_SKIP_BUILD", "1");
    pb.environment().put("DNN_DRIVER_MEMORY", "1g");
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), "dnn finishes");
    return new String[] {Integer.toString(p.exitValue()), output};
  }

  /**
   * Every INFO line a run shows comes from a class of ours that logs. The log configuration shows
   * Spark's lines from WARN up and ours from INFO up, so a class of ours that extends one of Spark's
   * (an RDD) would show Spark's INFO lines under our name ("Removing RDD 14 from persistence list"
   * at every packing).
   */
  private static void assertOnlyOurLogLines(String output) throws Exception {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\S+ INFO +(\\w+): (.*)$")
        .matcher(output);
    while (m.find()) {
      try (java.util.stream.Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
        List<Path> found = sources.filter(f -> f.getFileName().toString().equals(m.group(1) + ".java")).toList();
        assertEquals(1, found.size(), "a class of ours logged: " + m.group());
        assertTrue(Files.readString(found.get(0)).contains("LoggerFactory.getLogger("),
            "logged by the class's own logger, not Spark's code under its name: " + m.group());
      }
    }
  }

  @Test
  void relativePathsAreTheCallersDirectory() throws Exception {
    StringBuilder csv = new StringBuilder("f1,f2,label\n");
    for (int i = 0; i < 60; i++) {
      csv.append(i % 7).append(',').append(i % 5).append(',').append(i % 2 == 0 ? "a" : "b").append('\n');
    }
    Files.createDirectories(dir.resolve("in"));
    Files.writeString(dir.resolve("in/train.csv"), csv);
    Files.writeString(dir.resolve("job.conf"), "data.train { path = in/train.csv, format = csv }\n"
        + "data.features = [f1, f2]\nnetwork.layers = 2-4relu-2softmax\ntraining.epochs = 1\n");
    String[] trained = dnn("train", "--conf", "job.conf", "--set", "model.path=out/model");
    assertEquals("0", trained[0], trained[1]);
    assertTrue(Files.exists(dir.resolve("out/model/metadata.json")), "the model is in the caller's directory");
    assertOnlyOurLogLines(trained[1]);

    String[] missing = dnn("train", "--conf", "job.conf", "--set", "data.train.path=in/absent.csv",
        "--set", "model.path=out/other");
    assertEquals("1", missing[0], missing[1]);
    assertTrue(missing[1].contains("error: training data not found: in/absent.csv (data.train.path; a relative path, "
        + "looked for as file:" + dir.toRealPath() + "/in/absent.csv)"), missing[1]);
  }
}
