#!/usr/bin/env bash
# What permutation importance of Fashion-MNIST's 784 pixels costs (issue "insight"): the whole
# dnn importance job, the engine's rank-1 first-layer update against full forward passes, and one
# Spark computation per pixel against one pass for all. One run, one table.
#   scripts/bench-importance.sh [DATA-DIR]     (default data/fashion-mnist, prepared if missing)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"
ensure_tools
ensure_fashion_mnist
cd "$root"
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
run_bench "$root" 4g ImportanceBenchmark "$@"
