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
mvn -q -B -DskipTests test-compile
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
exec java -Xmx4g $(cat target/jvm-flags.txt) ${JAVA_OPTS:-} -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
  -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" io.sparkdnn.bench.ImportanceBenchmark "$@"
