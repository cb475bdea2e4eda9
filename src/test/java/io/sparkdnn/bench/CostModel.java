package io.sparkdnn.bench;

import io.sparkdnn.bench.ClusterBenchmark.Measured;
import io.sparkdnn.train.AggregationPlan;
import io.sparkdnn.train.TrainingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A cost model of one training round, fitted to {@link ClusterBenchmark}'s cluster runs. All times
 * in milliseconds, sizes in bytes. For E one-core executors, p partitions, n rows in the round,
 * k = ⌈p/E⌉ tasks per core, treeAggregate with ℓ shuffle levels of fan-in s and f results at the
 * driver, B broadcast bytes and R bytes per task result:
 *
 * <pre>
 * round = c_row · n·k/p                                       compute (the slowest core)
 *       + L0 + L_level·ℓ + t_task·p + t_wave·k                 jobs, stages and tasks
 *       + b0 + β_e·B·min(E, p) + E·B/bw                        broadcast: latency, bytes per fetch; wire from the driver
 *       + R · (ρ_task·k + ρ_level·ℓ·⌈f/E⌉·s + ρ_driver·f)      treeAggregate: serialise, shuffle + merge, driver merge
 *         + R·(ℓ·s + f)/bw                                     wire into the reducers and the driver
 *       + u                                                    the driver's update (optimiser step or average)
 * epoch = rounds · round
 * </pre>
 *
 * Scheduling constants come from the empty rounds without broadcast, β from those with it, ρ from
 * those with the full result (non-negative least squares over the cluster runs), c_row and u from
 * the real rounds minus their empty twins. On loopback the wire terms are zero: what is measured
 * is the CPU side of moving the bytes (serialisation, compression, copies), which a real network
 * adds its transfer time to.
 */
final class CostModel {
  /** Scheduling: L0, L_level, t_task, t_wave (ms). */
  private final double[] sched;
  /** Broadcast: ms per round (b0), ms per byte and fetching executor (β_e). */
  private final double[] broadcast;
  /** Result ms per byte: ρ_task, ρ_level, ρ_driver. */
  private final double[] result;
  /** Compute µs per row on one core, and driver update ms per round: [sync, local]. */
  private final double[] computeMicros;
  private final double[] updateMs;
  private final int parameters;
  private final int points;

  private CostModel(double[] sched, double[] broadcast, double[] result, double[] computeMicros, double[] updateMs,
      int parameters, int points) {
    this.sched = sched;
    this.broadcast = broadcast;
    this.result = result;
    this.computeMicros = computeMicros;
    this.updateMs = updateMs;
    this.parameters = parameters;
    this.points = points;
  }

  /** Fits the constants to the runs whose setup starts with "cluster". */
  static CostModel fit(List<Measured> all, int parameters) {
    List<Measured> runs = new ArrayList<>();
    for (Measured m : all) {
      if (m.setup.startsWith("cluster")) {
        runs.add(m);
      }
    }
    if (runs.isEmpty()) {
      throw new IllegalStateException("no cluster runs to fit the cost model to");
    }
    int n = runs.size();
    double[][] xs = new double[n][];
    double[] ys = new double[n];
    for (int i = 0; i < n; i++) {
      Measured m = runs.get(i);
      xs[i] = new double[] {1, AggregationPlan.levels(m.partitions, m.depth), m.partitions, waves(m)};
      ys[i] = m.schedOnly.wallMs;
    }
    double[] sched = nonNegativeLeastSquares(xs, ys);
    for (int i = 0; i < n; i++) {
      Measured m = runs.get(i);
      double bytes = 4.0 * parameters * m.vectors();
      xs[i] = new double[] {1, bytes * m.slots()};
      ys[i] = m.withBroadcast.wallMs - m.schedOnly.wallMs;
    }
    double[] broadcast = nonNegativeLeastSquares(xs, ys);
    for (int i = 0; i < n; i++) {
      Measured m = runs.get(i);
      double bytes = 4.0 * parameters * m.vectors();
      int p = m.partitions;
      int d = m.depth;
      int f = AggregationPlan.fanIn(p, d);
      xs[i] = new double[] {bytes * waves(m),
          bytes * AggregationPlan.levels(p, d) * Math.ceil((double) f / m.executors) * AggregationPlan.scale(p, d),
          bytes * f};
      ys[i] = m.fullShape.wallMs - m.withBroadcast.wallMs;
    }
    double[] result = nonNegativeLeastSquares(xs, ys);
    double[] compute = new double[2];
    double[] update = new double[2];
    for (TrainingMode mode : new TrainingMode[] {TrainingMode.SYNC, TrainingMode.LOCAL}) {
      List<Measured> ofMode = new ArrayList<>();
      for (Measured m : runs) {
        if (m.mode == mode) {
          ofMode.add(m);
        }
      }
      int i = mode == TrainingMode.SYNC ? 0 : 1;
      if (ofMode.isEmpty()) {
        compute[i] = Double.NaN;
        update[i] = Double.NaN;
        continue;
      }
      update[i] = Math.max(0, ClusterBenchmark.median(ofMode, CostModel::updateMs));
      double u = update[i];
      compute[i] = ClusterBenchmark.median(ofMode, m -> computeMicros(m, u));
    }
    return new CostModel(sched, broadcast, result, compute, update, parameters, n);
  }

  /** Tasks per core in a round. */
  static int waves(Measured m) {
    return (m.partitions + m.executors - 1) / m.executors;
  }

  /**
   * The driver's own time per round outside Spark jobs beyond what the empty twin spends there
   * (making the broadcast): the optimiser step or the average.
   */
  static double updateMs(Measured m) {
    double wall = m.medianEpoch() * 1000 / m.rounds;
    return (wall - m.real.jobMs) - (m.fullShape.wallMs - m.fullShape.jobMs);
  }

  /** Compute µs per row on one core: (real round − empty twin − update) over the slowest core's rows. */
  static double computeMicros(Measured m, double updateMs) {
    double wall = m.medianEpoch() * 1000 / m.rounds;
    double rowsPerCore = (double) m.rows / m.rounds * waves(m) / m.partitions;
    return (wall - m.fullShape.wallMs - updateMs) * 1000 / rowsPerCore;
  }

  /** The same without the update split off, for the report's table. */
  static double computePerRowMicros(Measured m) {
    return computeMicros(m, 0);
  }

  /** {predicted s/epoch, compute s/epoch, overhead s/epoch} for a measured run (no wire time). */
  double[] predictRun(Measured m) {
    long rows = m.rows;
    double[] p = predict(m.executors, m.partitions, m.depth, rows, m.mode, Double.POSITIVE_INFINITY);
    return new double[] {p[0] * m.rounds / 1000, p[1] * m.rounds / 1000, (p[0] - p[1]) * m.rounds / 1000};
  }

  /**
   * One round in ms: {total, compute, scheduling, broadcast, treeAggregate, driver update}, for
   * {@code executors} one-core executors, {@code partitions} partitions, {@code rows} training rows
   * per epoch, at {@code gbit} Gbit/s (infinity for loopback).
   */
  double[] predict(int executors, int partitions, int depth, long rows, TrainingMode mode, double gbit) {
    int i = mode == TrainingMode.SYNC ? 0 : 1;
    int rounds = mode == TrainingMode.SYNC ? ClusterBenchmark.SYNC_ROUNDS : 1;
    int vectors = mode == TrainingMode.SYNC ? 1 : 3;
    int d = depth;
    int k = (partitions + executors - 1) / executors;
    int levels = AggregationPlan.levels(partitions, d);
    int f = AggregationPlan.fanIn(partitions, d);
    int s = AggregationPlan.scale(partitions, d);
    double bytes = 4.0 * parameters * vectors;
    double msPerByte = 8 / (gbit * 1e9) * 1000;
    double compute = computeMicros[i] / 1000 * ((double) rows / rounds) * k / partitions;
    double scheduling = sched[0] + sched[1] * levels + sched[2] * partitions + sched[3] * k;
    double bcast = broadcast[0] + bytes * broadcast[1] * Math.min(executors, partitions)
        + Math.min(executors, partitions) * bytes * msPerByte;
    double agg = bytes * (result[0] * k + result[1] * levels * Math.ceil((double) f / executors) * s + result[2] * f)
        + bytes * (levels * s + f) * msPerByte;
    double update = updateMs[i];
    double total = compute + scheduling + bcast + agg + update;
    return new double[] {total, compute, scheduling, bcast, agg, update};
  }

  List<String> describe(double gbit) {
    List<String> l = new ArrayList<>();
    l.add("round = c_row·n·k/p + [L0 + L_level·ℓ + t_task·p + t_wave·k] + [b0 + βe·B·min(E,p) + E·B/bw]");
    l.add("        + [R·(ρ_task·k + ρ_level·ℓ·⌈f/E⌉·s + ρ_driver·f) + R·(ℓ·s + f)/bw] + u;   epoch = rounds · round");
    l.add("E executors of 1 core, p partitions, n rows per round, k = ⌈p/E⌉ tasks per core; treeAggregate depth "
        + ClusterBenchmark.DEPTH + " (unless a row says otherwise): ℓ shuffle levels, s results merged per reducer, f results at the driver "
        + "(Spark's level rule); B = R = 4·" + parameters + " bytes (sync) or 3× that (local: weights + Adam's "
        + "two moments). Fitted to " + points + " cluster runs; bw = " + String.format(Locale.ROOT, "%.0f", gbit)
        + " Gbit/s in the predictions (0 wire time on loopback). Broadcasts here are one TorrentBroadcast piece "
        + "(≤ 4 MiB), so at a round's start every executor fetches it from the driver: E·B on its link.");
    return l;
  }

  /** Rows of (constant, value, source). */
  List<String[]> constants() {
    List<String[]> c = new ArrayList<>();
    c.add(row("L0 (a round's job, fixed)", ms(sched[0]), "empty rounds, no broadcast"));
    c.add(row("L_level (one treeAggregate shuffle level)", ms(sched[1]), "empty rounds, no broadcast"));
    c.add(row("t_task (per task, serial at the driver)", ms(sched[2]), "empty rounds, no broadcast"));
    c.add(row("t_wave (per task, on its executor core)", ms(sched[3]), "empty rounds, no broadcast"));
    c.add(row("b0 (a broadcast's fixed latency per round)", ms(broadcast[0]), "empty rounds with − without broadcast"));
    c.add(row("βe (fetch it, per executor)", perMiB(broadcast[1]), "empty rounds with − without broadcast"));
    c.add(row("ρ_task (serialise a result, per task on its core)", perMiB(result[0]), "empty rounds with − without result"));
    c.add(row("ρ_level (shuffle + merge at a reducer, per result)", perMiB(result[1]), "empty rounds with − without result"));
    c.add(row("ρ_driver (fetch + merge at the driver, per result)", perMiB(result[2]), "empty rounds with − without result"));
    c.add(row("c_row sync (forward + backward, per row, one core)", String.format(Locale.ROOT, "%.2f µs",
        computeMicros[0]), "real − empty rounds, sync runs (median)"));
    c.add(row("c_row local (+ an Adam step per 128 rows)", String.format(Locale.ROOT, "%.2f µs", computeMicros[1]),
        "real − empty rounds, local runs (median)"));
    c.add(row("u sync (driver: mean gradient + Adam step)", ms(updateMs[0]), "outside the jobs, real − empty"));
    c.add(row("u local (driver: average weights + moments)", ms(updateMs[1]), "outside the jobs, real − empty"));
    return c;
  }

  private static String[] row(String... cells) {
    return cells;
  }

  private static String ms(double v) {
    return String.format(Locale.ROOT, "%.2f ms", v);
  }

  private static String perMiB(double msPerByte) {
    return String.format(Locale.ROOT, "%.2f ms/MiB", msPerByte * 1048576);
  }

  /**
   * Least squares with every coefficient ≥ 0 (active-set, for the few columns used here): a
   * coefficient that the unconstrained fit makes negative is noise on this VM, so its column is
   * dropped and the rest refitted.
   */
  static double[] nonNegativeLeastSquares(double[][] xs, double[] ys) {
    int cols = xs[0].length;
    boolean[] active = new boolean[cols];
    Arrays.fill(active, true);
    while (true) {
      double[] beta = leastSquares(xs, ys, active);
      int worst = -1;
      for (int j = 0; j < cols; j++) {
        if (active[j] && beta[j] < 0 && (worst < 0 || beta[j] < beta[worst])) {
          worst = j;
        }
      }
      if (worst < 0) {
        return beta;
      }
      active[worst] = false;
    }
  }

  /** Ordinary least squares over the active columns (normal equations; the others are 0). */
  static double[] leastSquares(double[][] xs, double[] ys, boolean[] active) {
    int cols = xs[0].length;
    int[] idx = new int[cols];
    int m = 0;
    for (int j = 0; j < cols; j++) {
      if (active[j]) {
        idx[m++] = j;
      }
    }
    double[] beta = new double[cols];
    if (m == 0) {
      return beta;
    }
    // Columns scaled to unit size first: bytes and counts differ by 10^6.
    double[] norm = new double[m];
    for (int a = 0; a < m; a++) {
      for (double[] x : xs) {
        norm[a] = Math.max(norm[a], Math.abs(x[idx[a]]));
      }
      norm[a] = norm[a] == 0 ? 1 : norm[a];
    }
    double[][] a = new double[m][m + 1];
    for (int r = 0; r < xs.length; r++) {
      for (int i = 0; i < m; i++) {
        double xi = xs[r][idx[i]] / norm[i];
        for (int j = 0; j < m; j++) {
          a[i][j] += xi * xs[r][idx[j]] / norm[j];
        }
        a[i][m] += xi * ys[r];
      }
    }
    for (int col = 0; col < m; col++) {
      int pivot = col;
      for (int r = col + 1; r < m; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
          pivot = r;
        }
      }
      double[] t = a[col];
      a[col] = a[pivot];
      a[pivot] = t;
      if (Math.abs(a[col][col]) < 1e-12) {
        continue; // a column the data cannot tell apart from the others: left at 0
      }
      for (int r = 0; r < m; r++) {
        if (r != col) {
          double factor = a[r][col] / a[col][col];
          for (int c = col; c <= m; c++) {
            a[r][c] -= factor * a[col][c];
          }
        }
      }
    }
    for (int i = 0; i < m; i++) {
      beta[idx[i]] = Math.abs(a[i][i]) < 1e-12 ? 0 : a[i][m] / a[i][i] / norm[i];
    }
    return beta;
  }
}
