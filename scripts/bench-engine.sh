#!/usr/bin/env bash
# The engine benchmark (issue "dense engine"): sgemm GFLOP/s of the BLAS in use on every product of
# one forward + backward pass of a network, at batch 128 and 1024, and the engine's forward +
# backward rate on one thread and on two, as a fraction of the plain sgemm rate. One run, one table.
#   scripts/bench-engine.sh [SPEC] [SECONDS-PER-MEASUREMENT]
# BLAS: -Dbench.blas=auto|bundled|system|java through JAVA_OPTS.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"
ensure_tools
cd "$root"
run_bench "$root" "" EngineBenchmark "$@"
