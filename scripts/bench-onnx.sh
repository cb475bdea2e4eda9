#!/usr/bin/env bash
# The serving benchmark (issue "Serving outside Spark"): single-row latency (median, p99) and batch
# rows/s of an exported model in ONNX Runtime, against the Spark-free Scorer and the engine's
# predict, one thread each, with the CPU model. One run, one table, written to
# bench/results/onnx-serving-DATE.{md,json}.
#   scripts/bench-onnx.sh [SPEC | MODEL-DIR] [SECONDS-PER-MEASUREMENT]
# e.g. scripts/bench-onnx.sh models/fashion-mnist (after scripts/fashion-mnist.sh); a SPEC
# (default 784-256relu-128relu-10softmax) gets seeded random weights.
# Engine BLAS: -Dbench.blas=auto|bundled|system|java through JAVA_OPTS.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"
ensure_tools
cd "$root"
run_bench "$root" "" OnnxServingBenchmark "$@"
