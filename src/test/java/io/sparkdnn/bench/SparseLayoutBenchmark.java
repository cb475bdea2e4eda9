package io.sparkdnn.bench;

import io.sparkdnn.engine.BlasBackend;
import io.sparkdnn.engine.BlasLibrary;
import io.sparkdnn.engine.DenseNetwork;
import io.sparkdnn.engine.FastCsrProduct;
import io.sparkdnn.engine.Gemm;
import io.sparkdnn.engine.Initialization;
import io.sparkdnn.engine.InputMajorVector;
import io.sparkdnn.engine.LossAccumulator;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Seeds;
import io.sparkdnn.engine.SparseInputNetwork;
import io.sparkdnn.engine.SparseMiniBatch;
import io.sparkdnn.engine.Task;
import io.sparkdnn.engine.TouchedInputsAccumulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
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
 * Which layout the first layer's weights should have when the input is sparse: the first layer's
 * forward (Z = X·W_0ᵀ) and weight gradient (dW_0 += δᵀ·X) for a CSR batch, one thread, with W_0
 * held
 *
 * <ul>
 *   <li>output-major, the canonical O×I: an input's O weights are I floats apart, so every
 *       non-zero touches O cache lines (three loop orders: per non-zero; one output row at a time;
 *       the batch's distinct columns gathered into a panel once, used, and scattered back);
 *   <li>input-major, I×O: an input's O weights are contiguous ({@link FastCsrProduct}).
 * </ul>
 *
 * and, for scale, the same two products on the densified batch with the BLAS. Also: clearing the
 * gradient of the inputs a batch touched, converting W_0 between the layouts
 * ({@link InputMajorVector}), and one whole training pass of the engine on I-O relu-2softmax: a
 * {@link SparseInputNetwork} against a {@link DenseNetwork} given the densified rows.
 *
 * <p>Usage: SparseLayoutBenchmark [inputs=262144] [outputs=128] [batch=128] [seconds=1.5]. Input
 * rows: 30–60 draws per row of token ids from a Zipf(1) law over 10^6 ids, hashed to the inputs and
 * summed per column as HashingTF does ("hashed text"), or uniform columns ("uniform"). Prints a
 * table and writes it to bench/results/sparse-layout-DATE.md, and the numbers to
 * bench/results/sparse-layout-DATE.json.
 */
public final class SparseLayoutBenchmark {
  private static final int BATCHES = 256;
  private static final int VOCABULARY = 1_000_000;

  private final int inputs;
  private final int outputs;
  private final int batch;
  private final double seconds;
  private final float[] weights;
  private final float[] gradient;
  private final float[] z;
  private final float[] delta;
  private final int[] slot;
  private final float[] panel;
  private final float[] panelGradient;
  private final int[] distinct;

  private final List<String> lines = new ArrayList<>();

  private void say(String line) {
    System.out.println(line);
    lines.add(line);
  }

  private void sayf(String format, Object... args) {
    String text = String.format(Locale.ROOT, format, args);
    say(text.endsWith("\n") ? text.substring(0, text.length() - 1) : text);
  }

  private SparseLayoutBenchmark(int inputs, int outputs, int batch, double seconds) {
    this.inputs = inputs;
    this.outputs = outputs;
    this.batch = batch;
    this.seconds = seconds;
    this.weights = random((long) inputs * outputs, 1);
    this.gradient = new float[inputs * outputs];
    this.z = new float[batch * outputs];
    this.delta = random((long) batch * outputs, 2);
    this.slot = new int[inputs];
    Arrays.fill(slot, -1);
    this.panel = new float[batch * 64 * outputs];
    this.panelGradient = new float[batch * 64 * outputs];
    this.distinct = new int[batch * 64];
  }

  /** One CSR batch; {@code touched} is its sorted distinct columns. */
  static final class Csr {
    final int[] offsets;
    final int[] columns;
    final float[] values;
    final int[] touched;

    Csr(int[] offsets, int[] columns, float[] values) {
      this.offsets = offsets;
      this.columns = columns;
      this.values = values;
      this.touched = Arrays.stream(columns).distinct().sorted().toArray();
    }

    int nnz() {
      return offsets[offsets.length - 1];
    }
  }

  public static void main(String[] args) throws IOException {
    int inputs = args.length > 0 ? Integer.parseInt(args[0]) : 1 << 18;
    int outputs = args.length > 1 ? Integer.parseInt(args[1]) : 128;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 128;
    double seconds = args.length > 3 ? Double.parseDouble(args[3]) : 1.5;
    new SparseLayoutBenchmark(inputs, outputs, batch, seconds).run();
  }

  private void run() throws IOException {
    String cpu = cpuModel();
    Gemm blas = BlasLibrary.gemm(BlasBackend.AUTO);
    List<String> header = new ArrayList<>();
    header.add(String.format(Locale.ROOT,
        "# first layer with sparse input: I=%d inputs, O=%d outputs, batch %d, 1 thread", inputs, outputs, batch));
    header.add("# CPU: " + cpu + "; " + Runtime.getRuntime().availableProcessors() + " cores; Java "
        + System.getProperty("java.version") + "; transparent huge pages: " + hugePages());
    header.add("# BLAS for the dense row: " + blas.description());
    header.forEach(this::say);

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("benchmark", "sparse-layout");
    json.put("date", LocalDateTime.now().toString());
    json.put("cpu", cpu);
    json.put("cores", Runtime.getRuntime().availableProcessors());
    json.put("java", System.getProperty("java.version"));
    json.put("transparent_huge_pages", hugePages());
    json.put("blas", blas.description());
    json.put("inputs", inputs);
    json.put("outputs", outputs);
    json.put("batch", batch);
    json.put("seconds_per_measurement", seconds);
    List<Map<String, Object>> results = new ArrayList<>();

    say("");
    say("| rows | W_0 layout, loop order | nnz/row | forward ms | backward ms | fwd+bwd ms | ns per non-zero | clear touched ms | vs input-major |");
    say("|---|---|--:|--:|--:|--:|--:|--:|--:|");
    for (String data : new String[] {"hashed text", "uniform"}) {
      Csr[] batches = batches(data);
      double nnzPerRow = Arrays.stream(batches).mapToInt(Csr::nnz).average().orElse(0) / batch;
      double[] inputMajor = null;
      List<Map<String, Object>> rows = new ArrayList<>();
      for (String variant : new String[] {"I×O input-major (FastCsrProduct)", "O×I per non-zero",
          "O×I one output row at a time", "O×I gathered panel"}) {
        double[] t = measure(variant, batches);
        if (inputMajor == null) {
          inputMajor = t;
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("data", data);
        row.put("variant", variant);
        row.put("nnz_per_row", nnzPerRow);
        row.put("forward_ms", t[0] * 1e3);
        row.put("backward_ms", t[1] * 1e3);
        row.put("forward_backward_ms", (t[0] + t[1]) * 1e3);
        row.put("ns_per_nonzero", (t[0] + t[1]) * 1e9 / (nnzPerRow * batch));
        row.put("clear_touched_ms", t[2] * 1e3);
        row.put("slowdown_vs_input_major", (t[0] + t[1]) / (inputMajor[0] + inputMajor[1]));
        rows.add(row);
        sayf("| %s | %s | %.1f | %.3f | %.3f | %.3f | %.1f | %.3f | %.1f× |%n",
            data, variant, nnzPerRow, t[0] * 1e3, t[1] * 1e3, (t[0] + t[1]) * 1e3,
            (t[0] + t[1]) * 1e9 / (nnzPerRow * batch), t[2] * 1e3, (t[0] + t[1]) / (inputMajor[0] + inputMajor[1]));
      }
      results.addAll(rows);
      if (data.equals("hashed text")) {
        double[] dense = denseBlas(blas, batches[0]);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("data", data);
        row.put("variant", "O×I dense batch, BLAS sgemm (today's path)");
        row.put("nnz_per_row", nnzPerRow);
        row.put("forward_ms", dense[0] * 1e3);
        row.put("backward_ms", dense[1] * 1e3);
        row.put("forward_backward_ms", (dense[0] + dense[1]) * 1e3);
        row.put("slowdown_vs_input_major", (dense[0] + dense[1]) / (inputMajor[0] + inputMajor[1]));
        results.add(row);
        sayf("| %s | %s | %.1f | %.3f | %.3f | %.3f | – | – | %.0f× |%n",
            data, "O×I dense batch, BLAS sgemm (today's path)", nnzPerRow, dense[0] * 1e3, dense[1] * 1e3,
            (dense[0] + dense[1]) * 1e3, (dense[0] + dense[1]) / (inputMajor[0] + inputMajor[1]));
      }
    }
    Csr[] text = batches("hashed text");
    double[] conversion = conversionSeconds();
    json.put("results", results);
    json.put("from_canonical_ms", conversion[0] * 1e3);
    json.put("to_canonical_ms", conversion[1] * 1e3);
    say("");
    sayf(
        "InputMajorVector.fromCanonical / toCanonical of %s (a tiled transpose of W_0, %d floats, "
            + "plus a copy of the rest): %.1f / %.1f ms%n",
        endToEndSpec(), (long) inputs * outputs, conversion[0] * 1e3, conversion[1] * 1e3);
    say("Kernel rows: medians per batch over " + BATCHES + " batches cycled for " + seconds
        + " s per variant; clearing the touched gradient is not inside fwd+bwd.");

    Map<String, Object> engine = endToEnd(blas, text);
    json.put("engine_pass", engine);

    Path dir = Paths.get("bench", "results");
    Files.createDirectories(dir);
    String stem = "sparse-layout-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmm"));
    Path file = dir.resolve(stem + ".json");
    Path table = dir.resolve(stem + ".md");
    Files.write(file, (toJson(json, "") + "\n").getBytes(StandardCharsets.UTF_8));
    Files.write(table, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    System.out.println("wrote " + file + " and " + table);
  }

  /** Median seconds per batch: forward, backward, clearing the touched part of the gradient. */
  private double[] measure(String variant, Csr[] batches) {
    Runnable[] steps = new Runnable[3];
    int[] index = {0};
    double[][] samples = new double[3][];
    for (int phase = 0; phase < 2; phase++) { // 0: warm-up, 1: measure
      List<double[]> times = new ArrayList<>();
      long end = System.nanoTime() + (long) ((phase == 0 ? 0.5 : 1.0) * seconds * 1e9);
      while (System.nanoTime() < end || times.size() < 20) {
        Csr x = batches[index[0]++ % batches.length];
        long t0 = System.nanoTime();
        forward(variant, x);
        long t1 = System.nanoTime();
        backward(variant, x);
        long t2 = System.nanoTime();
        clearTouched(variant, x);
        long t3 = System.nanoTime();
        times.add(new double[] {(t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9});
      }
      if (phase == 1) {
        for (int k = 0; k < 3; k++) {
          final int column = k;
          samples[k] = times.stream().mapToDouble(t -> t[column]).sorted().toArray();
        }
      }
    }
    double[] medians = new double[3];
    for (int k = 0; k < 3; k++) {
      medians[k] = samples[k][samples[k].length / 2];
    }
    return medians;
  }

  private final FastCsrProduct inputMajor = new FastCsrProduct();

  private void forward(String variant, Csr x) {
    int o0 = outputs;
    int n = inputs;
    if (variant.startsWith("I×O")) {
      inputMajor.multiply(batch, x.offsets, x.columns, x.values, weights, 0, inputs, outputs, z);
    } else if (variant.equals("O×I per non-zero")) {
      for (int r = 0; r < batch; r++) {
        int zr = r * o0;
        Arrays.fill(z, zr, zr + o0, 0f);
        for (int p = x.offsets[r]; p < x.offsets[r + 1]; p++) {
          int i = x.columns[p];
          float v = x.values[p];
          for (int o = 0; o < o0; o++) {
            z[zr + o] += v * weights[o * n + i];
          }
        }
      }
    } else if (variant.equals("O×I one output row at a time")) {
      for (int o = 0; o < o0; o++) {
        int wo = o * n;
        for (int r = 0; r < batch; r++) {
          float s = 0f;
          for (int p = x.offsets[r]; p < x.offsets[r + 1]; p++) {
            s += x.values[p] * weights[wo + x.columns[p]];
          }
          z[r * o0 + o] = s;
        }
      }
    } else {
      // gather the distinct columns into a (touched × O) panel, then multiply as input-major
      int u = 0;
      for (int p = 0; p < x.nnz(); p++) {
        int i = x.columns[p];
        if (slot[i] < 0) {
          slot[i] = u;
          distinct[u++] = i;
        }
      }
      for (int o = 0; o < o0; o++) {
        int wo = o * n;
        for (int k = 0; k < u; k++) {
          panel[k * o0 + o] = weights[wo + distinct[k]];
        }
      }
      for (int r = 0; r < batch; r++) {
        int zr = r * o0;
        Arrays.fill(z, zr, zr + o0, 0f);
        for (int p = x.offsets[r]; p < x.offsets[r + 1]; p++) {
          int pk = slot[x.columns[p]] * o0;
          float v = x.values[p];
          for (int o = 0; o < o0; o++) {
            z[zr + o] += v * panel[pk + o];
          }
        }
      }
      Arrays.fill(panelGradient, 0, u * o0, 0f);
      distinct[u] = -1;
      gatheredCount = u;
    }
  }

  private int gatheredCount;

  private void backward(String variant, Csr x) {
    int o0 = outputs;
    int n = inputs;
    if (variant.startsWith("I×O")) {
      inputMajor.addTransposedProduct(batch, x.offsets, x.columns, x.values, delta, inputs, outputs, gradient, 0);
    } else if (variant.equals("O×I per non-zero")) {
      for (int r = 0; r < batch; r++) {
        int dr = r * o0;
        for (int p = x.offsets[r]; p < x.offsets[r + 1]; p++) {
          int i = x.columns[p];
          float v = x.values[p];
          for (int o = 0; o < o0; o++) {
            gradient[o * n + i] += v * delta[dr + o];
          }
        }
      }
    } else if (variant.equals("O×I one output row at a time")) {
      for (int o = 0; o < o0; o++) {
        int go = o * n;
        for (int r = 0; r < batch; r++) {
          float d = delta[r * o0 + o];
          for (int p = x.offsets[r]; p < x.offsets[r + 1]; p++) {
            gradient[go + x.columns[p]] += x.values[p] * d;
          }
        }
      }
    } else {
      int u = gatheredCount;
      for (int r = 0; r < batch; r++) {
        int dr = r * o0;
        for (int p = x.offsets[r]; p < x.offsets[r + 1]; p++) {
          int pk = slot[x.columns[p]] * o0;
          float v = x.values[p];
          for (int o = 0; o < o0; o++) {
            panelGradient[pk + o] += v * delta[dr + o];
          }
        }
      }
      for (int o = 0; o < o0; o++) {
        int go = o * n;
        for (int k = 0; k < u; k++) {
          gradient[go + distinct[k]] += panelGradient[k * o0 + o];
        }
      }
      for (int k = 0; k < u; k++) {
        slot[distinct[k]] = -1;
      }
    }
  }

  private void clearTouched(String variant, Csr x) {
    if (variant.startsWith("I×O")) {
      for (int i : x.touched) {
        Arrays.fill(gradient, i * outputs, (i + 1) * outputs, 0f);
      }
    } else {
      for (int o = 0; o < outputs; o++) {
        int go = o * inputs;
        for (int i : x.touched) {
          gradient[go + i] = 0f;
        }
      }
    }
  }

  /** Forward and weight-gradient sgemm of the first layer on one densified batch (median seconds). */
  private double[] denseBlas(Gemm gemm, Csr x) {
    float[] dense = new float[batch * inputs];
    for (int r = 0; r < batch; r++) {
      for (int p = x.offsets[r]; p < x.offsets[r + 1]; p++) {
        dense[r * inputs + x.columns[p]] = x.values[p];
      }
    }
    double fwd = EngineBenchmark.median(() -> gemm.gemm(false, true, batch, outputs, inputs,
        1f, dense, 0, inputs, weights, 0, inputs, 0f, z, 0, outputs), seconds);
    double bwd = EngineBenchmark.median(() -> gemm.gemm(true, false, outputs, inputs, batch,
        1f, delta, 0, outputs, dense, 0, inputs, 1f, gradient, 0, inputs), seconds);
    return new double[] {fwd, bwd};
  }

  private NetworkSpec endToEndSpec() {
    return NetworkSpec.parse(inputs + "-" + outputs + "relu-2softmax");
  }

  /** Median seconds of InputMajorVector.fromCanonical and of toCanonical. */
  private double[] conversionSeconds() {
    NetworkSpec spec = endToEndSpec();
    float[] canonical = Initialization.AUTO.initialize(spec, 1);
    InputMajorVector[] last = {InputMajorVector.fromCanonical(spec, canonical)};
    double from = EngineBenchmark.median(() -> last[0] = InputMajorVector.fromCanonical(spec, canonical), seconds);
    double to = EngineBenchmark.median(() -> last[0].toCanonical(), seconds);
    return new double[] {from, to};
  }

  /**
   * One training pass of the engine per batch: SparseInputNetwork (fill the batch row by row, clear
   * the gradient where the batch touched it, accumulateGradient) against DenseNetwork's
   * accumulateGradient on the densified rows.
   */
  private Map<String, Object> endToEnd(Gemm blas, Csr[] text) {
    NetworkSpec spec = endToEndSpec();
    float[] canonical = Initialization.AUTO.initialize(spec, 1);
    SparseInputNetwork sparse = new SparseInputNetwork(spec, Task.MULTICLASS, batch, blas);
    InputMajorVector params = InputMajorVector.fromCanonical(spec, canonical);
    InputMajorVector gradient = InputMajorVector.zeros(spec);
    TouchedInputsAccumulator touched = new TouchedInputsAccumulator(inputs);
    LossAccumulator stats = new LossAccumulator();
    float[] targets = new float[batch];
    for (int r = 0; r < batch; r++) {
      targets[r] = r % 2;
    }
    int[] next = {0};
    double[][] phases = new double[3][];
    for (int phase = 0; phase < 2; phase++) {
      List<double[]> times = new ArrayList<>();
      long end = System.nanoTime() + (long) ((phase == 0 ? 0.5 : 1.0) * seconds * 1e9);
      while (System.nanoTime() < end || times.size() < 20) {
        Csr x = text[next[0]++ % text.length];
        long t0 = System.nanoTime();
        SparseMiniBatch b = sparse.batch();
        b.clear();
        for (int r = 0; r < batch; r++) {
          int from = x.offsets[r];
          b.addRow(x.columns, x.values, from, x.offsets[r + 1] - from, targets, r, r);
        }
        long t1 = System.nanoTime();
        touched.clear();
        touched.add(b);
        gradient.clear(touched);
        long t2 = System.nanoTime();
        sparse.accumulateGradient(params, gradient, stats, 1L);
        long t3 = System.nanoTime();
        times.add(new double[] {(t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9});
      }
      if (phase == 1) {
        for (int k = 0; k < 3; k++) {
          final int column = k;
          phases[k] = times.stream().mapToDouble(t -> t[column]).sorted().toArray();
        }
      }
    }
    double fill = phases[0][phases[0].length / 2];
    double clear = phases[1][phases[1].length / 2];
    double pass = phases[2][phases[2].length / 2];

    DenseNetwork dense = new DenseNetwork(spec, Task.MULTICLASS, batch, blas);
    Csr x = text[0];
    float[] features = dense.batch().features();
    for (int r = 0; r < batch; r++) {
      for (int p = x.offsets[r]; p < x.offsets[r + 1]; p++) {
        features[r * inputs + x.columns[p]] = x.values[p];
      }
      dense.batch().targets()[r] = targets[r];
      dense.batch().rowIds()[r] = r;
    }
    dense.batch().setRows(batch);
    float[] denseGradient = new float[spec.parameterCount()];
    double densePass = EngineBenchmark.median(
        () -> dense.accumulateGradient(canonical, denseGradient, stats, 1L), seconds);

    say("");
    say("One training pass of the engine per batch of " + batch + " hashed-text rows, " + spec
        + ", 1 thread:");
    say("");
    say("| engine | fill batch ms | clear touched gradient ms | accumulateGradient ms | total ms | rows/s |");
    say("|---|--:|--:|--:|--:|--:|");
    sayf("| SparseInputNetwork (CSR, W_0 input-major) | %.3f | %.3f | %.3f | %.3f | %,.0f |%n",
        fill * 1e3, clear * 1e3, pass * 1e3, (fill + clear + pass) * 1e3, batch / (fill + clear + pass));
    sayf("| DenseNetwork (densified rows, BLAS) | – | – | %.3f | %.3f | %,.0f |%n",
        densePass * 1e3, densePass * 1e3, batch / densePass);
    say("(the dense row excludes densifying the batch and clearing its 2^" 
        + (31 - Integer.numberOfLeadingZeros(inputs)) + "×" + outputs + " gradient)");
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("spec", spec.toString());
    out.put("sparse_fill_ms", fill * 1e3);
    out.put("sparse_clear_touched_ms", clear * 1e3);
    out.put("sparse_accumulate_gradient_ms", pass * 1e3);
    out.put("sparse_rows_per_second", batch / (fill + clear + pass));
    out.put("dense_accumulate_gradient_ms", densePass * 1e3);
    out.put("dense_rows_per_second", batch / densePass);
    return out;
  }

  private Csr[] batches(String data) {
    SplittableRandom random = new SplittableRandom(data.hashCode());
    double[] zipf = null;
    if (data.equals("hashed text")) {
      zipf = new double[VOCABULARY];
      double sum = 0;
      for (int k = 0; k < VOCABULARY; k++) {
        sum += 1.0 / (k + 1);
        zipf[k] = sum;
      }
      for (int k = 0; k < VOCABULARY; k++) {
        zipf[k] /= sum;
      }
    }
    Csr[] out = new Csr[BATCHES];
    for (int b = 0; b < BATCHES; b++) {
      int[] offsets = new int[batch + 1];
      List<int[]> rowColumns = new ArrayList<>();
      List<float[]> rowValues = new ArrayList<>();
      for (int r = 0; r < batch; r++) {
        int draws = 30 + random.nextInt(31);
        int[] cols = new int[draws];
        for (int d = 0; d < draws; d++) {
          if (zipf == null) {
            cols[d] = random.nextInt(inputs);
          } else {
            int token = Arrays.binarySearch(zipf, random.nextDouble());
            token = token < 0 ? -token - 1 : token;
            cols[d] = (int) Long.remainderUnsigned(Seeds.mix64(token), inputs);
          }
        }
        Arrays.sort(cols);
        int[] c = new int[draws];
        float[] v = new float[draws];
        int n = 0;
        for (int d = 0; d < draws; d++) {
          if (n > 0 && c[n - 1] == cols[d]) {
            v[n - 1] += 1f;
          } else {
            c[n] = cols[d];
            v[n++] = 1f;
          }
        }
        rowColumns.add(Arrays.copyOf(c, n));
        rowValues.add(Arrays.copyOf(v, n));
        offsets[r + 1] = offsets[r] + n;
      }
      int[] columns = new int[offsets[batch]];
      float[] values = new float[offsets[batch]];
      for (int r = 0; r < batch; r++) {
        System.arraycopy(rowColumns.get(r), 0, columns, offsets[r], rowColumns.get(r).length);
        System.arraycopy(rowValues.get(r), 0, values, offsets[r], rowValues.get(r).length);
      }
      out[b] = new Csr(offsets, columns, values);
    }
    return out;
  }

  static String cpuModel() {
    try {
      String model = null, family = null, number = null;
      boolean avx512 = false, avx2 = false;
      for (String line : Files.readAllLines(Paths.get("/proc/cpuinfo"))) {
        String[] kv = line.split(":", 2);
        if (kv.length < 2) {
          continue;
        }
        String key = kv[0].trim();
        String value = kv[1].trim();
        if (key.equals("model name") && model == null) {
          model = value;
        } else if (key.equals("cpu family") && family == null) {
          family = value;
        } else if (key.equals("model") && number == null) {
          number = value;
        } else if (key.equals("flags")) {
          avx512 |= (" " + value + " ").contains(" avx512f ");
          avx2 |= (" " + value + " ").contains(" avx2 ");
        }
      }
      return model + " (family " + family + ", model " + number + ", "
          + (avx512 ? "AVX-512" : avx2 ? "AVX2" : "no AVX2") + ")";
    } catch (IOException e) {
      return System.getProperty("os.arch") + " (no /proc/cpuinfo)";
    }
  }

  static String hugePages() {
    try {
      String s = new String(Files.readAllBytes(Paths.get("/sys/kernel/mm/transparent_hugepage/enabled")),
          StandardCharsets.UTF_8).trim();
      int a = s.indexOf('['), b = s.indexOf(']');
      return a >= 0 && b > a ? s.substring(a + 1, b) : s;
    } catch (IOException e) {
      return "unknown";
    }
  }

  static String toJson(Object value, String indent) {
    if (value instanceof Map) {
      StringBuilder sb = new StringBuilder("{");
      String inner = indent + "  ";
      boolean first = true;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        sb.append(first ? "\n" : ",\n").append(inner).append(quote(e.getKey().toString())).append(": ")
            .append(toJson(e.getValue(), inner));
        first = false;
      }
      return sb.append('\n').append(indent).append('}').toString();
    }
    if (value instanceof List) {
      StringBuilder sb = new StringBuilder("[");
      String inner = indent + "  ";
      boolean first = true;
      for (Object o : (List<?>) value) {
        sb.append(first ? "\n" : ",\n").append(inner).append(toJson(o, inner));
        first = false;
      }
      return sb.append('\n').append(indent).append(']').toString();
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      return Double.isFinite(d) ? String.format(Locale.ROOT, "%.6g", d) : "null";
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    return quote(String.valueOf(value));
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  private static float[] random(long n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] a = new float[Math.toIntExact(n)];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) random.nextDouble(-0.01, 0.01);
    }
    return a;
  }
}
