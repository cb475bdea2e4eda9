#!/usr/bin/env bash
# The training benchmark (issue "performance"): spark-dnn in local and sync mode against Spark
# MLlib's MultilayerPerceptronClassifier on Fashion-MNIST, local[2], in one run; the sgemm lower
# bound of an epoch; scaling in rows and partitions; memory. Prints one table and writes it to
# bench/results/training-DATE.md. Installs Fashion-MNIST (Debian's dataset-fashion-mnist) and PyTorch
# (Debian's python3-torch, ~3 minutes the first time) if missing.
#   scripts/bench.sh            (takes a few minutes)
# Options as JVM properties in JAVA_OPTS: -Dbench.epochs=10 -Dbench.syncEpochs=6
#   -Dbench.mllibIterations=20 -Dbench.scaling=false
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"
ensure_tools
cd "$root"
ensure_fashion_mnist
ensure_pytorch
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
run_bench "$root" 6g TrainingBenchmark "$@"
