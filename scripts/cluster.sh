#!/usr/bin/env bash
# A Spark standalone cluster on this machine, from Maven's jars alone (no Spark download):
# one master and two workers on 127.0.0.1, for trying spark-submit and for the integration tests.
#
#   scripts/cluster.sh start [--workers N] [--cores C] [--memory 1500m]   start; prints the master URL
#   scripts/cluster.sh stop                                               stop what start started
#   scripts/cluster.sh status                                             master URL and live workers
#   scripts/cluster.sh submit ARGS...     spark-submit the application jar (client mode):
#       scripts/cluster.sh submit train --conf conf/fashion-mnist.conf
#
# State lives in target/cluster: the Spark home (jars/ as links to the resolved dependencies,
# conf/log4j2.properties), the PIDs of the daemons, their logs and work directories.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"
state="$root/target/cluster"
home="$state/spark-home"
export SPARK_HOME="$home" SPARK_LOCAL_IP=127.0.0.1 SPARK_SCALA_VERSION=2.13
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"

free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  echo "no free port found" >&2
  return 1
}

assemble_home() {
  ensure_built "$root"
  rm -rf "$home"
  mkdir -p "$home/jars" "$home/conf"
  tr ':' '\n' < "$root/target/classpath.txt" | while read -r jar; do
    [ -f "$jar" ] && ln -sf "$jar" "$home/jars/$(basename "$jar")"
  done
  cat > "$home/conf/log4j2.properties" <<'CONF'
rootLogger.level = warn
rootLogger.appenderRef.console.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %-5p %c{1}: %m%n
logger.master.name = org.apache.spark.deploy.master.Master
logger.master.level = info
logger.worker.name = org.apache.spark.deploy.worker.Worker
logger.worker.level = info
CONF
}

daemon_cp() {
  echo "$home/conf:$home/jars/*"
}

start() {
  local workers=2 cores=1 memory=1500m
  while [ $# -gt 0 ]; do
    case "$1" in
      --workers) workers="$2"; shift 2 ;;
      --cores) cores="$2"; shift 2 ;;
      --memory) memory="$2"; shift 2 ;;
      *) echo "unknown option $1" >&2; exit 2 ;;
    esac
  done
  if [ -f "$state/master.pid" ] && kill -0 "$(cat "$state/master.pid")" 2>/dev/null; then
    echo "a cluster is already running: $(cat "$state/master-url")" >&2
    exit 1
  fi
  assemble_home
  mkdir -p "$state/logs"
  local port ui
  port=$(free_port)
  ui=$(free_port)
  java -Xmx512m -cp "$(daemon_cp)" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$port" --webui-port "$ui" > "$state/logs/master.log" 2>&1 &
  echo $! > "$state/master.pid"
  echo "spark://127.0.0.1:$port" > "$state/master-url"
  echo "http://127.0.0.1:$ui" > "$state/master-ui"
  for i in $(seq 1 "$workers"); do
    mkdir -p "$state/work-$i"
    java -Xmx256m -cp "$(daemon_cp)" org.apache.spark.deploy.worker.Worker \
      --host 127.0.0.1 --cores "$cores" --memory "$memory" --webui-port 0 \
      --work-dir "$state/work-$i" "spark://127.0.0.1:$port" > "$state/logs/worker-$i.log" 2>&1 &
    echo $! > "$state/worker-$i.pid"
  done
  for _ in $(seq 1 120); do
    if [ "$(alive_workers)" -ge "$workers" ]; then
      echo "spark://127.0.0.1:$port"
      return 0
    fi
    sleep 0.5
  done
  echo "the workers did not register within 60 s; logs in $state/logs" >&2
  stop
  exit 1
}

alive_workers() {
  local ui
  ui=$(cat "$state/master-ui" 2>/dev/null) || { echo 0; return; }
  curl -s --max-time 2 "$ui/json/" 2>/dev/null | grep -o '"aliveworkers" *: *[0-9]*' | grep -o '[0-9]*$' || echo 0
}

stop() {
  local pids=()
  for f in "$state"/worker-*.pid; do
    [ -f "$f" ] || continue
    pids+=("$(cat "$f")")
  done
  # Workers first: they end their executors on the way out.
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait_gone "$pid"; done
  if [ -f "$state/master.pid" ]; then
    local master
    master=$(cat "$state/master.pid")
    kill "$master" 2>/dev/null || true
    wait_gone "$master"
  fi
  rm -f "$state"/*.pid "$state/master-url" "$state/master-ui"
}

wait_gone() {
  for _ in $(seq 1 40); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.25
  done
  kill -9 "$1" 2>/dev/null || true
}

submit() {
  [ -f "$state/master-url" ] || { echo "no cluster running; scripts/cluster.sh start" >&2; exit 1; }
  local jar
  jar=$(ls "$root"/target/spark-dnn-*-app.jar | head -n 1)
  # Client mode: this JVM is the driver, so it takes Spark's Java 17 flags itself.
  exec java -Xmx"${DNN_DRIVER_MEMORY:-2g}" $(cat "$root/target/jvm-flags.txt") \
    -Dlog4j2.configurationFile="$root/conf/log4j2.properties" ${JAVA_OPTS:-} \
    -cp "$(daemon_cp)" org.apache.spark.deploy.SparkSubmit \
    --master "$(cat "$state/master-url")" --conf spark.cores.max="${DNN_CORES:-2}" \
    --conf spark.executor.memory="${DNN_EXECUTOR_MEMORY:-1g}" ${DNN_SUBMIT_OPTS:-} \
    --class io.sparkdnn.cli.Main "$jar" "$@" 2> >(without_jvm_notice >&2)
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop ;;
  status)
    if [ -f "$state/master-url" ]; then
      echo "$(cat "$state/master-url") with $(alive_workers) live worker(s)"
    else
      echo "not running"
    fi ;;
  submit) shift; submit "$@" ;;
  "") echo "error: no command given; use start, stop, status or submit (see the top of $0)" >&2; exit 2 ;;
  *) echo "error: unknown command '$1'; use start, stop, status or submit (see the top of $0)" >&2; exit 2 ;;
esac
