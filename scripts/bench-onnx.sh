#!/usr/bin/env bash
# The ONNX serving benchmark (issue "Serving outside Spark: ONNX export"): single-row latency
# (median, p99) and batch rows/s of an exported network in ONNX Runtime, against the engine's
# predict, one thread each, with the CPU model. One run, one table.
#   scripts/bench-onnx.sh [SPEC] [SECONDS-PER-MEASUREMENT]
# Engine BLAS: -Dbench.blas=auto|bundled|system|java through JAVA_OPTS.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"
ensure_tools
cd "$root"
mvn -q -B -DskipTests test-compile
exec java $(cat target/jvm-flags.txt) ${JAVA_OPTS:-} -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
  -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" io.sparkdnn.bench.OnnxServingBenchmark "$@"
