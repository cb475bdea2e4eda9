package io.sparkdnn.bench;

import io.sparkdnn.data.BlockRows;
import io.sparkdnn.data.FeatureScaling;
import io.sparkdnn.data.PackedBlock;
import io.sparkdnn.data.ScalingMode;
import io.sparkdnn.data.TargetScaling;
import io.sparkdnn.engine.BlasBackend;
import io.sparkdnn.engine.BlasLibrary;
import io.sparkdnn.engine.DenseNetwork;
import io.sparkdnn.engine.Gemm;
import io.sparkdnn.engine.Initialization;
import io.sparkdnn.engine.LossAccumulator;
import io.sparkdnn.engine.MiniBatch;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import io.sparkdnn.optim.Adam;
import io.sparkdnn.optim.LearningRateSchedule;
import io.sparkdnn.optim.Optimizer;
import io.sparkdnn.optim.OptimizerState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Prints, in one run: sgemm GFLOP/s of the BLAS in use on every product of one forward + backward
 * pass of a network, and the engine's forward + backward rate on the same shapes (one thread, and
 * two threads each with its own network), as a fraction of the plain sgemm rate.
 *
 * <p>Usage: EngineBenchmark [spec] [seconds-per-measurement]. Medians of repeated timings.
 */
public final class EngineBenchmark {

  public static void main(String[] args) throws Exception {
    NetworkSpec spec = NetworkSpec.parse(args.length > 0 ? args[0] : "784-256relu-128relu-10softmax");
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 0.4;
    Gemm gemm = BlasLibrary.gemm(BlasBackend.fromToken(System.getProperty("bench.blas", "auto")));
    System.out.println("# engine benchmark " + spec + " — " + gemm.description());
    System.out.printf(Locale.ROOT, "# %s, %d cores, Java %s%n",
        System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    System.out.println();
    System.out.println("| batch | product (row-major) | m×n×k | sgemm GFLOP/s |");
    System.out.println("|---:|---|---|---:|");
    List<String> summary = new ArrayList<>();
    for (int batch : new int[] {128, 1024}) {
      double passSeconds = plainGemmPass(gemm, spec, batch, seconds, true);
      double flops = flopsPerRow(spec) * batch;
      double gemmRate = flops / passSeconds / 1e9;
      double oneThread = engineRowsPerSecond(spec, gemm, batch, seconds, 1);
      double twoThreads = engineRowsPerSecond(spec, gemm, batch, seconds, 2);
      double engineRate = oneThread * flopsPerRow(spec) / 1e9;
      summary.add(String.format(Locale.ROOT,
          "| %d | %.1f | %.1f | %,.0f | %,.0f | %.1f | %.0f%% |",
          batch, gemmRate, engineRate, oneThread, twoThreads, twoThreads / oneThread,
          100 * engineRate / gemmRate));
    }
    System.out.println();
    System.out.println("Forward + backward of one batch: the same gemm calls alone (sgemm pass) vs the engine");
    System.out.println("(gemms + bias, activations, loss, bias gradients). MFLOP per row: "
        + String.format(Locale.ROOT, "%.3f", flopsPerRow(spec) / 1e6));
    System.out.println();
    System.out.println("| batch | sgemm pass GFLOP/s | engine GFLOP/s (1 thread) | engine rows/s, 1 thread | rows/s, 2 threads | 2-thread speed-up | engine / sgemm |");
    System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
    summary.forEach(System.out::println);
    stepBreakdown(spec, gemm, 128, seconds);
  }

  /**
   * Where one local-mode training step goes, one thread, as {@code LocalStepsTask} runs it: the
   * gather of {@code batch} rows in random order from a 27,000-row block (standardised on the way,
   * as the main job's pixels are), the engine's forward + backward (mean gradient), and the Adam
   * step, each against the plain sgemm pass of the same products. Milliseconds per step, medians.
   */
  static void stepBreakdown(NetworkSpec spec, Gemm gemm, int batch, double seconds) {
    int rows = 27_000;
    int width = spec.inputWidth();
    float[] features = random(rows * width, 5);
    float[] targets = new float[rows];
    long[] ids = new long[rows];
    SplittableRandom random = new SplittableRandom(6);
    for (int r = 0; r < rows; r++) {
      targets[r] = random.nextInt(spec.outputWidth());
      ids[r] = r;
    }
    PackedBlock block = new PackedBlock(rows, width, 1, features, targets, ids, false);
    float[] scale = new float[width];
    float[] shift = new float[width];
    for (int j = 0; j < width; j++) {
      scale[j] = 1f + j % 7;
      shift[j] = -0.5f;
    }
    FeatureScaling scaling = new FeatureScaling(ScalingMode.STANDARD, scale, shift);
    TargetScaling targetScaling = TargetScaling.none(1);
    DenseNetwork net = new DenseNetwork(spec, Task.MULTICLASS, batch, gemm);
    MiniBatch mini = net.batch();
    int[] order = new int[batch];
    Runnable gather = () -> {
      for (int k = 0; k < batch; k++) {
        order[k] = random.nextInt(rows);
      }
      for (int k = 0; k < batch; k++) {
        BlockRows.copyTo(block, order[k], mini, k, scaling, targetScaling, null);
      }
      mini.setRows(batch);
    };
    gather.run();
    float[] params = Initialization.AUTO.initialize(spec, 1);
    float[] grad = new float[params.length];
    LossAccumulator stats = new LossAccumulator();
    Optimizer adam = new Optimizer(new Adam(0.9, 0.999, 1e-8, 0), LearningRateSchedule.constant(1e-4), 0, 0,
        spec.weightRanges());
    OptimizerState state = adam.newState(params.length);
    double gatherSeconds = median(gather, seconds);
    double gradientSeconds = median(() -> net.meanGradient(params, grad, stats, 1L), seconds);
    double adamSeconds = median(() -> adam.step(params, grad, state, 0.5, 1), seconds);
    double gemmSeconds = plainGemmPass(gemm, spec, batch, seconds, false);
    double total = gatherSeconds + gradientSeconds + adamSeconds;
    System.out.println();
    System.out.printf(Locale.ROOT, "One training step, batch %d, 1 thread (%,d parameters): ms per step, and × the"
        + " plain sgemm pass%n%n", batch, params.length);
    System.out.println("| part | ms | × sgemm pass |");
    System.out.println("|---|---:|---:|");
    String row = "| %s | %.3f | %.2f |%n";
    System.out.printf(Locale.ROOT, row, "gather (random rows, standardised)", gatherSeconds * 1e3, gatherSeconds / gemmSeconds);
    System.out.printf(Locale.ROOT, row, "forward + backward (mean gradient)", gradientSeconds * 1e3,
        gradientSeconds / gemmSeconds);
    System.out.printf(Locale.ROOT, row, "Adam step", adamSeconds * 1e3, adamSeconds / gemmSeconds);
    System.out.printf(Locale.ROOT, row, "**step**", total * 1e3, total / gemmSeconds);
    System.out.printf(Locale.ROOT, row, "plain sgemm pass (the bound)", gemmSeconds * 1e3, 1.0);
  }

  /** FLOPs of one row's forward + backward: 2·I·O per product; no input gradient for layer 0. */
  static double flopsPerRow(NetworkSpec spec) {
    double flops = 0;
    for (int l = 0; l < spec.layerCount(); l++) {
      double product = 2.0 * spec.inputsOf(l) * spec.layer(l).width();
      flops += l == 0 ? 2 * product : 3 * product;
    }
    return flops;
  }

  /**
   * Aggregate GFLOP/s of the pass's gemm calls alone, run by {@code threads} threads at once (each
   * with its own operands), as Spark's tasks would.
   */
  static double gemmPassRate(Gemm gemm, NetworkSpec spec, int batch, double seconds, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Double>> passes = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        passes.add(pool.submit(() -> plainGemmPass(gemm, spec, batch, seconds, false)));
      }
      double rate = 0;
      for (Future<Double> f : passes) {
        rate += flopsPerRow(spec) * batch / f.get() / 1e9;
      }
      return rate;
    } finally {
      pool.shutdown();
    }
  }

  /** Median seconds of the pass's gemm calls alone; prints each product's rate once. */
  private static double plainGemmPass(Gemm gemm, NetworkSpec spec, int b, double seconds, boolean print) {
    int layers = spec.layerCount();
    int maxWidth = spec.inputWidth();
    for (int l = 0; l < layers; l++) {
      maxWidth = Math.max(maxWidth, spec.layer(l).width());
    }
    float[] params = Initialization.AUTO.initialize(spec, 1);
    float[] grad = new float[params.length];
    float[] x = random(b * spec.inputWidth(), 2);
    float[] act = random(b * maxWidth, 3);
    float[] delta = random(b * maxWidth, 4);
    float[] out = new float[b * maxWidth];
    Runnable pass = () -> {
      for (int l = 0; l < layers; l++) {
        int i = spec.inputsOf(l), o = spec.layer(l).width();
        gemm.gemm(false, true, b, o, i, 1f, l == 0 ? x : act, 0, i, params, spec.weightOffset(l), i, 0f, out, 0, o);
      }
      for (int l = layers - 1; l >= 0; l--) {
        int i = spec.inputsOf(l), o = spec.layer(l).width();
        gemm.gemm(true, false, o, i, b, 1f, delta, 0, o, l == 0 ? x : act, 0, i, 1f, grad, spec.weightOffset(l), i);
        if (l > 0) {
          gemm.gemm(false, false, b, i, o, 1f, delta, 0, o, params, spec.weightOffset(l), i, 0f, out, 0, i);
        }
      }
    };
    if (print) {
      for (int l = 0; l < layers; l++) {
        int i = spec.inputsOf(l), o = spec.layer(l).width();
        final int layer = l;
        double fwd = median(() -> gemm.gemm(false, true, b, o, i, 1f, layer == 0 ? x : act, 0, i,
            params, spec.weightOffset(layer), i, 0f, out, 0, o), seconds / 4);
        double dw = median(() -> gemm.gemm(true, false, o, i, b, 1f, delta, 0, o, layer == 0 ? x : act, 0, i,
            1f, grad, spec.weightOffset(layer), i), seconds / 4);
        double product = 2.0 * b * i * o / 1e9;
        System.out.printf(Locale.ROOT, "| %d | Z = A·Wᵀ (layer %d) | %d×%d×%d | %.1f |%n", b, l, b, o, i, product / fwd);
        System.out.printf(Locale.ROOT, "| %d | dW += δᵀ·A (layer %d) | %d×%d×%d | %.1f |%n", b, l, o, i, b, product / dw);
        if (l > 0) {
          double da = median(() -> gemm.gemm(false, false, b, i, o, 1f, delta, 0, o, params,
              spec.weightOffset(layer), i, 0f, out, 0, i), seconds / 4);
          System.out.printf(Locale.ROOT, "| %d | δ·W (layer %d) | %d×%d×%d | %.1f |%n", b, l, b, i, o, product / da);
        }
      }
    }
    return median(pass, seconds);
  }

  private static double engineRowsPerSecond(NetworkSpec spec, Gemm gemm, int batch, double seconds, int threads)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Double>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        final int seed = t;
        results.add(pool.submit(() -> {
          DenseNetwork net = new DenseNetwork(spec, Task.MULTICLASS, batch, gemm);
          float[] params = Initialization.AUTO.initialize(spec, 1);
          float[] grad = new float[params.length];
          SplittableRandom random = new SplittableRandom(seed);
          float[] features = net.batch().features();
          for (int i = 0; i < features.length; i++) {
            features[i] = (float) random.nextDouble();
          }
          for (int r = 0; r < batch; r++) {
            net.batch().targets()[r] = random.nextInt(spec.outputWidth());
            net.batch().rowIds()[r] = r;
          }
          net.batch().setRows(batch);
          LossAccumulator stats = new LossAccumulator();
          return median(() -> net.accumulateGradient(params, grad, stats, 1L), seconds);
        }));
      }
      double total = 0;
      for (Future<Double> f : results) {
        total += batch / f.get();
      }
      return total;
    } finally {
      pool.shutdown();
    }
  }

  /** Median seconds per call over ~{@code seconds} of repeated timing, after a warm-up. */
  static double median(Runnable call, double seconds) {
    long warmupEnd = System.nanoTime() + (long) (0.25 * seconds * 1e9);
    while (System.nanoTime() < warmupEnd) {
      call.run();
    }
    List<Double> samples = new ArrayList<>();
    long end = System.nanoTime() + (long) (seconds * 1e9);
    while (System.nanoTime() < end || samples.size() < 5) {
      long start = System.nanoTime();
      call.run();
      samples.add((System.nanoTime() - start) / 1e9);
    }
    double[] sorted = samples.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static float[] random(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) random.nextDouble(-1, 1);
    }
    return a;
  }
}
