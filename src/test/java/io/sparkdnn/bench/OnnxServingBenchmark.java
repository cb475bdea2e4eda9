package io.sparkdnn.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sparkdnn.engine.BlasBackend;
import io.sparkdnn.engine.BlasLibrary;
import io.sparkdnn.engine.DenseNetwork;
import io.sparkdnn.engine.Gemm;
import io.sparkdnn.engine.Initialization;
import io.sparkdnn.engine.MiniBatch;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import io.sparkdnn.onnx.ExportInput;
import io.sparkdnn.onnx.OnnxExporter;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Serving cost of an exported network, one thread each: ONNX Runtime (intra- and inter-op threads
 * 1) against the engine's {@link DenseNetwork#predict} on the BLAS in use. Both take raw features
 * and apply the same min-max feature scaling (ONNX: Mul + Add in the graph; engine: the Java loop
 * of FeatureScaling). Prints single-row latency (median and p99 over timed calls, after a warm-up)
 * and batch throughput (rows/s at the median batch time), and the CPU.
 *
 * <p>A single-row call includes what a server does per request: ONNX Runtime creates the input
 * tensor, runs, reads the probabilities and closes both; the engine copies the scaled row into its
 * batch, predicts and reads the outputs.
 *
 * <p>The variants are timed in interleaved rounds, so that load from others on shared cores falls
 * on all of them alike; the machine is shared, so run it a few times and compare within a run.
 *
 * <p>Usage: OnnxServingBenchmark [spec] [seconds-per-measurement]; BLAS with -Dbench.blas=auto|...
 * Run with scripts/bench-onnx.sh.
 */
public final class OnnxServingBenchmark {
  private static final int BATCH = 1024;

  public static void main(String[] args) throws Exception {
    NetworkSpec spec = NetworkSpec.parse(args.length > 0 ? args[0] : "784-256relu-128relu-10softmax");
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
    Gemm gemm = BlasLibrary.gemm(BlasBackend.fromToken(System.getProperty("bench.blas", "auto")));
    int in = spec.inputWidth();
    float[] weights = Initialization.AUTO.initialize(spec, 1);
    SplittableRandom random = new SplittableRandom(2);
    float[] scale = new float[in];
    float[] shift = new float[in];
    for (int j = 0; j < in; j++) {
      scale[j] = 1f / 255f;
      shift[j] = 0f;
    }
    shift[0] = -0.5f; // so that the Add is in the graph too
    float[] raw = new float[BATCH * in];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = (float) random.nextDouble(0, 255);
    }
    byte[] model = OnnxExporter.export(ExportInput.builder(spec, Task.MULTICLASS, weights)
        .featureScaling(scale, shift).featureNames("features").build());

    System.out.println("# ONNX serving benchmark " + spec + ", one thread each");
    System.out.println("# CPU: " + cpuModel() + ", " + Runtime.getRuntime().availableProcessors()
        + " cores, Java " + System.getProperty("java.version") + ", OPENBLAS_CORETYPE="
        + System.getenv().getOrDefault("OPENBLAS_CORETYPE", "(unset)"));
    System.out.println("# engine BLAS: " + gemm.description() + "; ONNX Runtime "
        + OrtEnvironment.getEnvironment().getVersion() + "; model " + model.length / 1024 + " KiB");
    System.out.println();
    System.out.println("| runtime | 1-row latency median µs | 1-row p99 µs | batch " + BATCH + " rows/s |");
    System.out.println("|---|---:|---:|---:|");

    OrtEnvironment env = OrtEnvironment.getEnvironment();
    float[] row = Arrays.copyOf(raw, in);
    long[] rowShape = {1, in};
    long[] batchShape = {BATCH, in};
    DenseNetwork one = new DenseNetwork(spec, Task.MULTICLASS, 1, gemm);
    DenseNetwork many = new DenseNetwork(spec, Task.MULTICLASS, BATCH, gemm);
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      try (OrtSession session = env.createSession(model, options);
          OnnxTensor reusedRow = OnnxTensor.createTensor(env, FloatBuffer.wrap(row), rowShape);
          OnnxTensor reusedBatch = OnnxTensor.createTensor(env, FloatBuffer.wrap(raw), batchShape)) {
        Call[][] calls = {
          {
            () -> runNewTensor(env, session, row, rowShape),
            () -> runNewTensor(env, session, raw, batchShape)
          },
          {() -> runReused(session, reusedRow), () -> runReused(session, reusedBatch)},
          {
            () -> predict(one, raw, 0, 1, scale, shift, weights),
            () -> predict(many, raw, 0, BATCH, scale, shift, weights)
          }
        };
        String[] names = {
          "ONNX Runtime, new input tensor per call", "ONNX Runtime, input tensor reused",
          "engine DenseNetwork.predict"
        };
        // Interleaved rounds, so that a neighbour's load on the shared cores hits every variant alike.
        Samples[][] samples = new Samples[calls.length][2];
        for (Samples[] pair : samples) {
          pair[0] = new Samples();
          pair[1] = new Samples();
        }
        for (Call[] pair : calls) {
          warmUp(pair[0], seconds / 4);
          warmUp(pair[1], seconds / 4);
        }
        for (int round = 0; round < ROUNDS; round++) {
          for (int v = 0; v < calls.length; v++) {
            samples[v][0].time(calls[v][0], seconds / ROUNDS);
            samples[v][1].time(calls[v][1], seconds / ROUNDS);
          }
        }
        for (int v = 0; v < calls.length; v++) {
          double[] single = samples[v][0].sorted();
          double[] batch = samples[v][1].sorted();
          System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %,.0f |%n", names[v],
              1e6 * quantile(single, 0.5), 1e6 * quantile(single, 0.99), BATCH / quantile(batch, 0.5));
        }
      }
    }
  }

  private static final int ROUNDS = 6;

  /** Every run adds an output here, so that no call can be optimised away. */
  private static volatile float sink;

  private static void runNewTensor(OrtEnvironment env, OrtSession session, float[] x, long[] shape)
      throws OrtException {
    try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape)) {
      runReused(session, tensor);
    }
  }

  private static void runReused(OrtSession session, OnnxTensor x) throws OrtException {
    try (OrtSession.Result result = session.run(Map.of(OnnxExporter.FEATURES, x))) {
      sink += ((float[][]) result.get(OnnxExporter.PROBABILITIES).orElseThrow().getValue())[0][0];
    }
  }

  private static void predict(
      DenseNetwork net, float[] raw, int firstRow, int rows, float[] scale, float[] shift, float[] weights) {
    MiniBatch batch = net.batch();
    float[] x = batch.features();
    int in = scale.length;
    for (int r = 0; r < rows; r++) {
      int src = (firstRow + r) * in;
      int dst = r * in;
      for (int j = 0; j < in; j++) {
        x[dst + j] = raw[src + j] * scale[j] + shift[j];
      }
    }
    batch.setRows(rows);
    net.predict(weights);
    sink += net.outputs()[0];
  }

  private interface Call {
    void run() throws OrtException;
  }

  private static void warmUp(Call call, double seconds) throws OrtException {
    long end = System.nanoTime() + (long) (seconds * 1e9);
    while (System.nanoTime() < end) {
      call.run();
    }
  }

  /** Seconds per call of one variant, gathered over the rounds. */
  private static final class Samples {
    private double[] values = new double[1024];
    private int count;

    /** Times calls for ~{@code seconds} (at least 5). */
    void time(Call call, double seconds) throws OrtException {
      long end = System.nanoTime() + (long) (seconds * 1e9);
      int taken = 0;
      while (System.nanoTime() < end || taken < 5) {
        long start = System.nanoTime();
        call.run();
        if (count == values.length) {
          values = Arrays.copyOf(values, 2 * count);
        }
        values[count++] = (System.nanoTime() - start) / 1e9;
        taken++;
      }
    }

    double[] sorted() {
      double[] sorted = Arrays.copyOf(values, count);
      Arrays.sort(sorted);
      return sorted;
    }
  }

  private static double quantile(double[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
  }

  /** /proc/cpuinfo's model name, family/model numbers and widest vector extension. */
  private static String cpuModel() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
      String flags = field(lines, "flags");
      String vectors = flags.contains("avx512f") ? "AVX-512" : flags.contains("avx2") ? "AVX2" : "no AVX2";
      return field(lines, "model name") + " (family " + field(lines, "cpu family") + ", model "
          + field(lines, "model") + ", " + vectors + ")";
    } catch (Exception e) {
      return "unknown (" + e + ")";
    }
  }

  private static String field(List<String> lines, String name) {
    return lines.stream()
        .filter(l -> l.startsWith(name) && l.substring(0, l.indexOf(':')).trim().equals(name))
        .map(l -> l.substring(l.indexOf(':') + 1).trim())
        .findFirst().orElse("?");
  }
}
