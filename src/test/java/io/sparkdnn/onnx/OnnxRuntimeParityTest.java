package io.sparkdnn.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.sparkdnn.engine.Activation;
import io.sparkdnn.engine.Task;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tier 3 (parity): every model kind exported, run in ONNX Runtime on raw rows, and compared with
 * the engine's predict on the same rows scaled in Java (then un-scaled for regression targets).
 */
class OnnxRuntimeParityTest {
  /** Probabilities: absolute. Regression values in target units: relative to max(1, |y|). */
  private static final double TOLERANCE = 1e-5;

  static Stream<ExportCase> cases() {
    return ExportCase.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void onnxRuntimeGivesTheEnginesPredictions(ExportCase c) throws OrtException {
    byte[] model = OnnxExporter.export(c.input());
    int in = c.spec.inputWidth();
    int k = c.spec.outputWidth();
    float[] expected = c.enginePredictions();

    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      try (OrtSession session = env.createSession(model, options);
          OnnxTensor features = OnnxTensor.createTensor(env, FloatBuffer.wrap(c.raw), new long[] {ExportCase.ROWS, in});
          OrtSession.Result result = session.run(Map.of(OnnxExporter.FEATURES, features))) {
        checkSignature(c, session);
        switch (c.task) {
          case MULTICLASS: {
            String name = c.spec.outputLayer().activation() == Activation.SOFTMAX
                ? OnnxExporter.PROBABILITIES : OnnxExporter.SCORES;
            float[][] scores = (float[][]) result.get(name).orElseThrow().getValue();
            long[] label = (long[]) result.get(OnnxExporter.LABEL).orElseThrow().getValue();
            double diff = maxDiff(expected, scores, k, false);
            report(c, diff);
            for (int r = 0; r < ExportCase.ROWS; r++) {
              assertEquals(argMax(scores[r]), label[r], c + " row " + r);
              float[] engineRow = Arrays.copyOfRange(expected, r * k, (r + 1) * k);
              int engineBest = argMax(engineRow);
              if (secondBestGap(engineRow, engineBest) > 1e-4) {
                assertEquals(engineBest, label[r], c + " row " + r + ": the engine's arg-max");
              }
            }
            break;
          }
          case BINARY: {
            float[][] p = (float[][]) result.get(OnnxExporter.PROBABILITIES).orElseThrow().getValue();
            long[] label = (long[]) result.get(OnnxExporter.LABEL).orElseThrow().getValue();
            double diff = 0;
            for (int r = 0; r < ExportCase.ROWS; r++) {
              assertEquals(2, p[r].length);
              diff = Math.max(diff, Math.abs(p[r][1] - expected[r]));
              diff = Math.max(diff, Math.abs(p[r][0] - (1 - expected[r])));
              assertEquals(p[r][1] >= 0.5f ? 1L : 0L, label[r], c + " row " + r);
            }
            report(c, diff);
            break;
          }
          case MULTILABEL: {
            float[][] p = (float[][]) result.get(OnnxExporter.PROBABILITIES).orElseThrow().getValue();
            long[][] label = (long[][]) result.get(OnnxExporter.LABEL).orElseThrow().getValue();
            double diff = maxDiff(expected, p, k, false);
            report(c, diff);
            for (int r = 0; r < ExportCase.ROWS; r++) {
              for (int j = 0; j < k; j++) {
                assertEquals(p[r][j] >= 0.5f ? 1L : 0L, label[r][j], c + " row " + r + " label " + j);
              }
            }
            break;
          }
          case REGRESSION: {
            float[][] y = (float[][]) result.get(OnnxExporter.PREDICTIONS).orElseThrow().getValue();
            System.out.printf("onnx parity %-32s max absolute |diff| %.2e (values up to %.1f)%n",
                c.name, maxDiff(expected, y, k, false), maxAbs(expected));
            report(c, maxDiff(expected, y, k, true));
            break;
          }
          default:
            throw new AssertionError(c.task);
        }
      }
    }
  }

  /** Input and output names, element types and shapes as the Javadoc of OnnxExporter states. */
  private static void checkSignature(ExportCase c, OrtSession session) throws OrtException {
    Map<String, NodeInfo> inputs = session.getInputInfo();
    assertEquals(List.of(OnnxExporter.FEATURES), List.copyOf(inputs.keySet()));
    assertArrayEquals(new long[] {-1, c.spec.inputWidth()},
        ((TensorInfo) inputs.get(OnnxExporter.FEATURES).getInfo()).getShape());
    Map<String, NodeInfo> outputs = session.getOutputInfo();
    long k = c.spec.outputWidth();
    if (c.task == Task.REGRESSION) {
      assertEquals(List.of(OnnxExporter.PREDICTIONS), List.copyOf(outputs.keySet()));
      assertArrayEquals(new long[] {-1, k}, shape(outputs, OnnxExporter.PREDICTIONS));
      return;
    }
    String scores = c.task == Task.MULTICLASS && c.spec.outputLayer().activation() != Activation.SOFTMAX
        ? OnnxExporter.SCORES : OnnxExporter.PROBABILITIES;
    assertEquals(List.of(scores, OnnxExporter.LABEL), List.copyOf(outputs.keySet()));
    assertArrayEquals(new long[] {-1, c.task == Task.BINARY ? 2 : k}, shape(outputs, scores));
    assertArrayEquals(c.task == Task.MULTILABEL ? new long[] {-1, k} : new long[] {-1},
        shape(outputs, OnnxExporter.LABEL));
  }

  private static void report(ExportCase c, double diff) {
    System.out.printf("onnx parity %-32s max |diff| %.2e%n", c.name, diff);
    assertTrue(diff <= TOLERANCE, c + ": max |diff| " + diff + " > " + TOLERANCE);
  }

  private static long[] shape(Map<String, NodeInfo> infos, String name) {
    return ((TensorInfo) infos.get(name).getInfo()).getShape();
  }

  private static double maxDiff(float[] expected, float[][] actual, int k, boolean relative) {
    assertEquals(ExportCase.ROWS, actual.length);
    double max = 0;
    for (int r = 0; r < actual.length; r++) {
      assertEquals(k, actual[r].length);
      for (int j = 0; j < k; j++) {
        double e = expected[r * k + j];
        double d = Math.abs(actual[r][j] - e);
        max = Math.max(max, relative ? d / Math.max(1, Math.abs(e)) : d);
      }
    }
    return max;
  }

  private static double maxAbs(float[] values) {
    double max = 0;
    for (float v : values) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }

  private static double secondBestGap(float[] values, int best) {
    double gap = Double.POSITIVE_INFINITY;
    for (int j = 0; j < values.length; j++) {
      if (j != best) {
        gap = Math.min(gap, values[best] - values[j]);
      }
    }
    return gap;
  }

  private static int argMax(float[] values) {
    int best = 0;
    for (int j = 1; j < values.length; j++) {
      if (values[j] > values[best]) {
        best = j;
      }
    }
    return best;
  }
}
