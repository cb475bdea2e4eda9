#!/usr/bin/env bash
# Submits a spark-dnn command to a Spark installation's cluster with spark-submit (from
# $SPARK_HOME/bin or the PATH), with the application jar (built if missing). The arguments are
# spark-submit options, then `--`, then the dnn command:
#
#   scripts/spark-submit.sh --master spark://host:7077 --conf spark.cores.max=16 -- \
#       train --conf conf/my-job.conf --set data.partitions=16
#   scripts/spark-submit.sh --master yarn --deploy-mode cluster --files conf/my-job.conf -- \
#       train --conf my-job.conf
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"
submit=spark-submit
if [ -n "${SPARK_HOME:-}" ]; then
  submit="$SPARK_HOME/bin/spark-submit"
fi
command -v "$submit" >/dev/null 2>&1 || {
  echo "error: spark-submit not found; set SPARK_HOME or put spark-submit on the PATH (scripts/dnn runs locally without Spark)" >&2
  exit 1
}
spark_opts=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  spark_opts+=("$1")
  shift
done
[ "${1:-}" = "--" ] || { echo "error: put -- between the spark-submit options and the dnn command" >&2; exit 2; }
shift
ensure_built "$root"
jar=$(ls "$root"/target/spark-dnn-*-app.jar | head -n 1)
# A driver started here logs as scripts/dnn does; one started on the cluster keeps Spark's logging.
# (Executors get the GC and JIT flags from the application itself: io.sparkdnn.train.SparkSetup.)
driver_opts=(--driver-java-options "-Dlog4j2.configurationFile=$root/conf/log4j2.properties $(cat "$root/target/jvm-tuning-flags.txt")")
case " ${spark_opts[*]:-} " in
  *" --deploy-mode cluster "*|*" --deploy-mode=cluster "*) driver_opts=() ;;
esac
exec "$submit" --class io.sparkdnn.cli.Main "${driver_opts[@]}" "${spark_opts[@]}" "$jar" "$@"
