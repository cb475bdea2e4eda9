package io.sparkdnn.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference ONNX checker (python3-onnx, full check with strict shape inference) accepts every
 * exported model. Installs nothing: without an importable {@code onnx} module the test is skipped
 * and says why (scripts/test.sh installs Debian's python3-onnx).
 */
class OnnxCheckerTest {
  /** python3 on the PATH may be another install (e.g. pyenv) than Debian's, which has the package. */
  private static final String[] PYTHONS = {"python3", "/usr/bin/python3"};

  private static final String CHECK =
      "import onnx,sys; [onnx.checker.check_model(onnx.load(f), full_check=True) for f in sys.argv[1:]];"
          + " print('checked', len(sys.argv) - 1, 'models with onnx', onnx.__version__)";

  @Test
  void onnxCheckerAcceptsEveryExportedModel(@TempDir Path dir) throws Exception {
    String python = pythonWithOnnx();
    Assumptions.assumeTrue(python != null,
        "python3-onnx is not importable from any of " + String.join(", ", PYTHONS)
            + "; install Debian's python3-onnx to run the ONNX checker on exported models");
    List<String> command = new ArrayList<>(List.of(python, "-c", CHECK));
    for (ExportCase c : ExportCase.all()) {
      Path file = dir.resolve(c.name + ".onnx");
      Files.write(file, OnnxExporter.export(c.input()));
      command.add(file.toString());
    }
    Run run = run(command);
    System.out.println("onnx checker (" + python + "): " + run.output.strip());
    assertEquals(0, run.exitCode, "the ONNX checker refused a model:\n" + run.output);
  }

  private static String pythonWithOnnx() throws InterruptedException {
    for (String python : PYTHONS) {
      try {
        if (run(List.of(python, "-c", "import onnx")).exitCode == 0) {
          return python;
        }
      } catch (IOException e) {
        // not installed under that name: try the next
      }
    }
    return null;
  }

  private static Run run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Run(process.waitFor(), output);
  }

  private static final class Run {
    final int exitCode;
    final String output;

    Run(int exitCode, String output) {
      this.exitCode = exitCode;
      this.output = output;
    }
  }
}
