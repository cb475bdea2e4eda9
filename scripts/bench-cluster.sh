#!/usr/bin/env bash
# The cluster benchmark (issue "performance round 2"): the main job's seconds per epoch on the
# standalone cluster of scripts/cluster.sh (1 and 2 one-core executors; local and sync mode, sync on
# 2-16 partitions) against local[2] in the same run, the pieces of a round from Spark's task
# metrics and from empty rounds of the same shape, and a cost model of a round fitted to them with
# its predictions for 8-64 executors. Prints one report and writes it to
# bench/results/cluster-DATE.md and .json. Starts the cluster itself and stops it again.
#   scripts/bench-cluster.sh            (about 5 minutes on 2 cores)
# Options as JVM properties in JAVA_OPTS: -Dbench.epochs=4 -Dbench.partitions=2,4,8,16
#   -Dbench.localPartitions=2,16 -Dbench.emptyRounds=8 -Dbench.gbit=10
# On a shared machine run it alone: flock /tmp/cpu.lock scripts/bench-cluster.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"
ensure_tools
cd "$root"
ensure_fashion_mnist
ensure_built "$root"           # the jar and target/classpath.txt, which scripts/cluster.sh needs
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}" DNN_SKIP_BUILD=1 SPARK_LOCAL_IP=127.0.0.1
run_bench "$root" 3g ClusterBenchmark "$@"
