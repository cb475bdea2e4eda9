#!/usr/bin/env bash
# The sparse-input benchmarks (issue "sparse, high-dimensional input").
#
#   scripts/bench-sparse.sh [text]     real data: the Debian package index (apt-cache dumpavail), each
#       package's Description hashed into 2^18 features by Spark ML's Tokenizer + HashingTF, predicting
#       its Section (the 10 most common). spark-dnn in local and sync mode (rows/s, s/epoch, cached
#       bytes vs the non-zeros' bytes, peak heap, test accuracy), Spark ML's LogisticRegression on the
#       same features, MLlib's perceptron (its error or time), shipping touched vs all first-layer
#       rows, and two first-layer initialisations. The main JVM has 3 GiB (the driver-heap target).
#       Writes bench/results/sparse-text-DATE.md and .json. A few minutes on 2 cores.
#       JAVA_OPTS: -Dbench.epochs=10 -Dbench.syncEpochs=5 -Dbench.mllibSeconds=240
#   scripts/bench-sparse.sh layout [INPUTS=262144] [OUTPUTS=128] [BATCH=128] [SECONDS-PER-MEASUREMENT=1.5]
#       the first layer's forward and weight gradient for CSR batches with W_0 output-major (O×I, three
#       loop orders) and input-major (I×O), the densified batch through the BLAS, the layout
#       conversion, and one engine training pass sparse vs dense. One thread. Writes
#       bench/results/sparse-layout-DATE.md and .json.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"
ensure_tools
cd "$root"
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
what="${1:-text}"
case "$what" in
  layout)
    shift
    run_bench "$root" 4g SparseLayoutBenchmark "$@" ;;
  text)
    work="$root/target/bench-sparse"
    mkdir -p "$work"
    apt-cache dumpavail > "$work/dumpavail.txt"
    run_bench "$root" 3g SparseTextBenchmark "$work/dumpavail.txt" "$work" ;;
  *)
    echo "usage: scripts/bench-sparse.sh [text | layout [INPUTS] [OUTPUTS] [BATCH] [SECONDS]]" >&2
    exit 2 ;;
esac
