package io.sparkdnn.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sparkdnn.data.FeatureScaling;
import io.sparkdnn.data.InputColumns;
import io.sparkdnn.data.LabelIndex;
import io.sparkdnn.data.ScalingMode;
import io.sparkdnn.data.TargetScaling;
import io.sparkdnn.engine.BlasBackend;
import io.sparkdnn.engine.BlasLibrary;
import io.sparkdnn.engine.DenseNetwork;
import io.sparkdnn.engine.Gemm;
import io.sparkdnn.engine.Initialization;
import io.sparkdnn.engine.MiniBatch;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.model.ModelFiles;
import io.sparkdnn.model.OnnxExport;
import io.sparkdnn.model.TrainingRecord;
import io.sparkdnn.onnx.OnnxExporter;
import io.sparkdnn.results.Json;
import io.sparkdnn.serve.Prediction;
import io.sparkdnn.serve.Scorer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Serving cost of a model outside Spark, one thread each: ONNX Runtime (intra- and inter-op threads
 * 1) running the exported model, against spark-dnn's Spark-free {@link Scorer} and the bare engine
 * ({@link DenseNetwork#predict}) on the BLAS in use. All take raw features and apply the model's
 * feature scaling (ONNX: Mul + Add in the graph; Scorer and engine: the Java loop of FeatureScaling).
 * Prints single-row latency (median and p99 over timed calls, after a warm-up) and batch throughput
 * (rows/s at the median batch time), with the CPU; writes the table to
 * bench/results/onnx-serving-DATE.md and the numbers to bench/results/onnx-serving-DATE.json.
 *
 * <p>A single-row call includes what a server does per request: ONNX Runtime creates the input
 * tensor, runs, reads the probabilities and closes both; the Scorer checks the row, scales it into
 * its thread's workspace, predicts and returns a typed prediction; the engine copies the scaled row
 * into its batch, predicts and reads the outputs.
 *
 * <p>The variants are timed in interleaved rounds, so that load from others on shared cores falls
 * on all of them alike; the machine is shared, so run it a few times and compare within a run.
 *
 * <p>Usage: OnnxServingBenchmark [SPEC | MODEL_DIR] [seconds-per-measurement]. A network string
 * (default 784-256relu-128relu-10softmax, the Fashion-MNIST network) gets seeded random weights and
 * a 1/255 feature scaling, rows of raw values in [0, 255]; a model directory (e.g. models/fashion-mnist
 * after scripts/fashion-mnist.sh) is served as trained, rows of raw values in [0, 1]. BLAS with
 * -Dbench.blas=auto|bundled|system|java. Run with scripts/bench-onnx.sh.
 */
public final class OnnxServingBenchmark {
  private static final int BATCH = 1024;

  public static void main(String[] args) throws Exception {
    String what = args.length > 0 ? args[0] : "784-256relu-128relu-10softmax";
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
    BlasBackend backend = BlasBackend.fromToken(System.getProperty("bench.blas", "auto"));
    Gemm gemm = BlasLibrary.gemm(backend);
    boolean trained = Files.isDirectory(Path.of(what));
    DnnModel model = trained ? ModelFiles.read(Path.of(what)) : randomModel(NetworkSpec.parse(what));
    NetworkSpec spec = model.spec();
    Task task = model.task();
    int in = spec.inputWidth();
    float[] weights = model.weights();
    float[] scale = model.scaling().scale();
    float[] shift = model.scaling().shift();
    SplittableRandom random = new SplittableRandom(2);
    float[] raw = new float[BATCH * in];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = (float) random.nextDouble(0, trained ? 1 : 255);
    }
    float[][] rawRows = new float[BATCH][];
    for (int r = 0; r < BATCH; r++) {
      rawRows[r] = Arrays.copyOfRange(raw, r * in, (r + 1) * in);
    }
    byte[] onnx = OnnxExport.bytes(model, trained ? Path.of(what).getFileName().toString() : "benchmark");
    Scorer scorer = Scorer.of(model, backend);
    String output = task == Task.REGRESSION ? OnnxExporter.PREDICTIONS : OnnxExporter.PROBABILITIES;

    String cpu = cpuModel();
    String coreType = System.getenv().getOrDefault("OPENBLAS_CORETYPE", "(unset)");
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    List<String> lines = new ArrayList<>();
    lines.add("# ONNX serving benchmark " + spec + " (" + (trained ? "trained model " + what : "seeded random weights")
        + "), one thread each");
    lines.add("# CPU: " + cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, Java "
        + System.getProperty("java.version") + ", OPENBLAS_CORETYPE=" + coreType);
    lines.add("# engine and Scorer BLAS: " + gemm.description() + "; ONNX Runtime " + env.getVersion()
        + "; ONNX model " + onnx.length / 1024 + " KiB; " + seconds + " s per measurement in " + ROUNDS
        + " interleaved rounds");
    lines.add("");
    lines.add("| runtime | 1-row latency median µs | 1-row p99 µs | batch " + BATCH + " rows/s |");
    lines.add("|---|---:|---:|---:|");
    lines.forEach(System.out::println);

    float[] row = Arrays.copyOf(raw, in);
    long[] rowShape = {1, in};
    long[] batchShape = {BATCH, in};
    DenseNetwork one = new DenseNetwork(spec, task, 1, gemm);
    DenseNetwork many = new DenseNetwork(spec, task, BATCH, gemm);
    List<Map<String, Object>> results = new ArrayList<>();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      try (OrtSession session = env.createSession(onnx, options);
          OnnxTensor reusedRow = OnnxTensor.createTensor(env, FloatBuffer.wrap(row), rowShape);
          OnnxTensor reusedBatch = OnnxTensor.createTensor(env, FloatBuffer.wrap(raw), batchShape)) {
        Call[][] calls = {
          {
            () -> runNewTensor(env, session, row, rowShape, output),
            () -> runNewTensor(env, session, raw, batchShape, output)
          },
          {() -> runReused(session, reusedRow, output), () -> runReused(session, reusedBatch, output)},
          {() -> score(scorer, row), () -> scoreBatch(scorer, rawRows)},
          {
            () -> predict(one, raw, 0, 1, scale, shift, weights),
            () -> predict(many, raw, 0, BATCH, scale, shift, weights)
          }
        };
        String[] names = {
          "ONNX Runtime, new input tensor per call", "ONNX Runtime, input tensor reused",
          "spark-dnn Scorer (score / scoreBatch)", "engine DenseNetwork.predict (no checks, no objects)"
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
          double median = 1e6 * quantile(single, 0.5);
          double p99 = 1e6 * quantile(single, 0.99);
          double rowsPerSecond = BATCH / quantile(batch, 0.5);
          String line = String.format(Locale.ROOT, "| %s | %.1f | %.1f | %,.0f |", names[v], median, p99, rowsPerSecond);
          System.out.println(line);
          lines.add(line);
          Map<String, Object> result = new LinkedHashMap<>();
          result.put("runtime", names[v]);
          result.put("single_row_median_us", median);
          result.put("single_row_p99_us", p99);
          result.put("single_row_calls", single.length);
          result.put("batch_rows", BATCH);
          result.put("batch_rows_per_second", rowsPerSecond);
          result.put("batch_calls", batch.length);
          results.add(result);
        }
      }
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("benchmark", "onnx-serving");
    json.put("date", LocalDateTime.now().toString());
    json.put("cpu", cpu);
    json.put("cores", Runtime.getRuntime().availableProcessors());
    json.put("java", System.getProperty("java.version"));
    json.put("openblas_coretype", coreType);
    json.put("blas", gemm.description());
    json.put("onnxruntime", env.getVersion());
    json.put("network", spec.toString());
    json.put("weights", trained ? "trained model " + what : "seeded random");
    json.put("onnx_bytes", onnx.length);
    json.put("seconds_per_measurement", seconds);
    json.put("rounds", ROUNDS);
    json.put("results", results);
    Path dir = Path.of("bench", "results");
    Files.createDirectories(dir);
    String stem = "onnx-serving-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmm"));
    Path jsonFile = dir.resolve(stem + ".json");
    Path table = dir.resolve(stem + ".md");
    Files.writeString(jsonFile, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
    List<String> markdown = new ArrayList<>();
    markdown.add(lines.get(0));
    markdown.add("");
    markdown.add("Date " + json.get("date") + "; scripts/bench-onnx.sh " + String.join(" ", args) + "  ");
    markdown.add(lines.get(1).substring(2) + "  ");
    markdown.add(lines.get(2).substring(2) + "  ");
    markdown.addAll(lines.subList(3, lines.size()));
    Files.write(table, (String.join("\n", markdown) + "\n").getBytes(StandardCharsets.UTF_8));
    System.out.println("wrote " + jsonFile + " and " + table);
  }

  /** The Fashion-MNIST-shaped model of {@code spec} with seeded weights: one array column, pixels / 255. */
  private static DnnModel randomModel(NetworkSpec spec) {
    int in = spec.inputWidth();
    Task task = Task.inferFrom(spec);
    float[] scale = new float[in];
    float[] shift = new float[in];
    Arrays.fill(scale, 1f / 255f);
    shift[0] = -0.5f; // so that the Add is in the graph too
    InputColumns columns = new InputColumns(new String[] {"features"}, InputColumns.Shape.ARRAY, in,
        new String[] {"label"}, InputColumns.Shape.SCALARS, false);
    LabelIndex labels = task.isClassification()
        ? LabelIndex.identity(task == Task.BINARY ? 2 : spec.outputWidth()) : null;
    return new DnnModel(spec, task, Initialization.AUTO.initialize(spec, 1), columns,
        new FeatureScaling(ScalingMode.MINMAX, scale, shift), TargetScaling.none(task.targetWidth(spec)), labels,
        TrainingRecord.created(LocalDateTime.now().toString()));
  }

  private static final int ROUNDS = 6;

  /** Every run adds an output here, so that no call can be optimised away. */
  private static volatile float sink;

  private static void runNewTensor(OrtEnvironment env, OrtSession session, float[] x, long[] shape, String output)
      throws OrtException {
    try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape)) {
      runReused(session, tensor, output);
    }
  }

  private static void runReused(OrtSession session, OnnxTensor x, String output) throws OrtException {
    try (OrtSession.Result result = session.run(Map.of(OnnxExporter.FEATURES, x))) {
      sink += ((float[][]) result.get(output).orElseThrow().getValue())[0][0];
    }
  }

  private static void score(Scorer scorer, float[] row) {
    sink += scorer.score(row).outputs()[0];
  }

  private static void scoreBatch(Scorer scorer, float[][] rows) {
    Prediction[] predictions = scorer.scoreBatch(rows);
    sink += predictions[0].outputs()[0];
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
