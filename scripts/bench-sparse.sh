#!/usr/bin/env bash
# The sparse-input layout benchmark (issue "sparse, high-dimensional input"): the first layer's
# forward and weight gradient for CSR batches with W_0 output-major (O×I, three loop orders) and
# input-major (I×O), the densified batch through the BLAS for scale, the layout conversion, and one
# engine training pass sparse vs dense. One thread. Prints a table and writes
# bench/results/sparse-layout-DATE.md and .json.
#   scripts/bench-sparse.sh [INPUTS=262144] [OUTPUTS=128] [BATCH=128] [SECONDS-PER-MEASUREMENT=1.5]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"
ensure_tools
cd "$root"
mvn -q -B -DskipTests test-compile
exec java $(cat target/jvm-flags.txt) -Xmx4g ${JAVA_OPTS:-} -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
  -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" io.sparkdnn.bench.SparseLayoutBenchmark "$@"
