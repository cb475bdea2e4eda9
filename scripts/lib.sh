# Shared by the scripts: make sure Java and Maven are there, and that the project is built.

# Installs Java 17 and Maven from Debian's packages when missing (needs root or sudo).
ensure_tools() {
  local missing=()
  command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null 2>&1 || missing+=(maven)
  apt_install "${missing[@]}"
}

# What the tests need beyond the build: Debian's chromium (the report is checked in a headless
# browser), a font for the charts, the small real tables of python3-vega-datasets (the
# defaults are tested on them), and python3-onnx (its checker checks every exported ONNX model).
ensure_test_tools() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
  [ -d /usr/lib/python3/dist-packages/vega_datasets/_data ] || missing+=(python3-vega-datasets)
  [ -d /usr/lib/python3/dist-packages/onnx ] || missing+=(python3-onnx)
  apt_install "${missing[@]}"
}

# Fashion-MNIST's IDX files from Debian's dataset-fashion-mnist, under /usr/share/datasets.
ensure_fashion_mnist() {
  [ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || apt_install dataset-fashion-mnist
}

# PyTorch from Debian (python3-torch), the training benchmark's reference on the same task. Best
# effort: without it the benchmark still runs and says in its table that PyTorch was not run.
ensure_pytorch() {
  [ -d /usr/lib/python3/dist-packages/torch ] || apt_install python3-torch \
    || echo "note: python3-torch could not be installed; the benchmark runs without PyTorch" >&2
}

# Installs the given Debian packages, if any are given.
apt_install() {
  [ $# -gt 0 ] || return 0
  echo "installing $* (apt-get)" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Builds the jar and the classpath file unless they are newer than every source file.
ensure_built() {
  local root="$1"
  # Set by the integration tests, which run inside a Maven build that has just packaged the jar.
  [ "${DNN_SKIP_BUILD:-}" = 1 ] && return 0
  ensure_tools
  with_build_lock "$root" build_if_stale "$root"
}

# Runs a command holding target/.build.lock, so that two scripts started at once do not build
# into, or record an archive in, the same target/ together: the second waits, then finds it done.
with_build_lock() {
  local root="$1"
  shift
  mkdir -p "$root/target"
  (
    flock 9
    "$@"
  ) 9>"$root/target/.build.lock"
}

build_if_stale() {
  local root="$1"
  local stamp="$root/target/.built"
  if [ ! -f "$stamp" ] || [ ! -f "$root/target/classpath.txt" ] \
      || [ -n "$(find "$root/src/main" "$root/pom.xml" "$root/conf/defaults.conf" -newer "$stamp" -print -quit)" ]; then
    echo "building spark-dnn (mvn package, tests skipped)" >&2
    (cd "$root" && mvn -q -B -Dstyle.color=never -DskipTests package) >&2
    touch "$stamp"
  fi
}

# JVM flags that map a class-data archive (AppCDS) of this build's classes: the JVM then starts
# Spark without parsing and verifying ~15,000 classes again, which saves about 3 s of the ~13 s
# before the main job's first epoch (measured: launch to first epoch 13.2 s without, 9.4-9.6 s
# with). The archive is recorded once per build (java, classpath, jar size and time) by a short
# run on generated data, under target/cds/, and kept until the next build. DNN_CDS=off (or a
# failure to record one) runs without it; the JVM itself ignores an archive that does not match.
cds_flags() {
  local root="$1"
  [ "${DNN_CDS:-on}" = off ] && return 0
  local cp jar java_bin key dir archive
  cp="$(app_classpath "$root")"
  jar="${cp%%:*}"
  # The java binary itself (path, size, time) rather than `java -version`, which would start a
  # JVM on every command just to name the key.
  java_bin=$(readlink -f "$(command -v java)")
  # (A JVM of another build ignores the archive anyway; the key just keeps one archive per JVM.)
  key=$( { echo "$java_bin $cp"; stat -c '%s %Y' "$java_bin" "$jar" "$root/target/jvm-flags.txt";
           stat -c '%s %Y' "${java_bin%/bin/java}/lib/server/libjvm.so" 2>/dev/null; } | sha1sum | cut -c1-16)
  dir="$root/target/cds"
  archive="$dir/dnn-$key.jsa"
  if ! cds_archive_ok "$archive" && [ "${DNN_SKIP_BUILD:-}" != 1 ]; then
    with_build_lock "$root" record_cds_archive "$root" "$cp" "$dir" "$archive" || true
  fi
  cds_archive_ok "$archive" || return 0
  # -Xlog:cds=off: an archive that no longer matches is ignored without a warning on every run.
  echo "-XX:SharedArchiveFile=$archive -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off"
}

# True when ARCHIVE is there with the size recorded beside it (ARCHIVE.size). A damaged archive
# (truncated by a full disk or a copy cut short) can crash the JVM while it maps it, so one whose
# size differs is removed, with a note, and never used.
cds_archive_ok() {
  local archive="$1"
  [ -f "$archive" ] || return 1
  if [ "$(stat -c %s "$archive")" != "$(cat "$archive.size" 2>/dev/null)" ]; then
    echo "note: removed the damaged class-data archive $archive (not the size it was recorded with); a new one is recorded" >&2
    rm -f "$archive" "$archive.size"
    return 1
  fi
}

# Makes DIR and empties it of archives: those of earlier builds, and staged ones (170 MB each) that a
# killed recording left. Called under the build lock, where no other recording runs.
clear_old_archives() {
  local dir="$1"
  mkdir -p "$dir"
  rm -f "$dir"/dnn-*.jsa "$dir"/dnn-*.jsa.size "$dir"/.staged-*.jsa
}

# Records the archive: prepares a few thousand generated rows and trains one epoch on them (the
# classes a training run loads: Spark SQL, parquet, the trainer, scoring), then keeps the archive
# the JVM writes at exit. Staged and renamed, so that a killed run leaves no half archive.
record_cds_archive() {
  local root="$1" cp="$2" dir="$3" archive="$4"
  local work staged
  # Another command may have recorded it while this one waited for the lock.
  cds_archive_ok "$archive" && return 0
  clear_old_archives "$dir"
  work=$(mktemp -d)
  staged="$dir/.staged-$$.jsa"
  echo "recording a class-data archive of this build for faster JVM start (once per build; DNN_CDS=off skips it)" >&2
  # shellcheck disable=SC2046
  if java -Xmx1g $(cat "$root/target/jvm-flags.txt") -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
        -cp "$cp" io.sparkdnn.cli.Main prepare --set prepare.dataset=synthetic --set prepare.rows=2000 \
        --set prepare.output="$work/data" >/dev/null 2>&1 \
      && java -Xmx1g $(cat "$root/target/jvm-flags.txt") -XX:ArchiveClassesAtExit="$staged" -Xlog:cds=off \
        -Dlog4j2.configurationFile="$root/conf/log4j2.properties" -cp "$cp" io.sparkdnn.cli.Main train \
        --conf "$root/conf/multiclass.conf" --set data.train.path="$work/data/multiclass.parquet" \
        --set data.test.path="$work/data/multiclass.parquet" --set training.epochs=1 \
        --set model.path="$work/model" >/dev/null 2>&1 \
      && [ -s "$staged" ] \
      && java -XX:SharedArchiveFile="$staged" -Xshare:on -Xlog:cds=off -cp "$cp" -version >/dev/null 2>&1; then
    # The size first, then the archive: an archive without its size is never used.
    stat -c %s "$staged" > "$archive.size.tmp-$$" && mv "$archive.size.tmp-$$" "$archive.size"
    mv "$staged" "$archive"
  else
    echo "note: no class-data archive recorded; running without one" >&2
    rm -f "$staged"
  fi
  rm -rf "$work"
}

# Copies stdin to stdout without the JVM's notice that jdk.incubator.vector is in use (the module
# makes netlib's pure-Java BLAS, the fallback where no native BLAS loads, vectorised). The JVM writes
# it to stderr before anything else; without it an error stays the one line it is meant to be.
without_jvm_notice() {
  sed -u '1{/^WARNING: Using incubator modules: jdk\.incubator\.vector$/d;}'
}

# The application jar followed by every dependency, Spark included.
app_classpath() {
  local root="$1"
  local jar
  jar=$(ls "$root"/target/spark-dnn-*.jar | grep -v -- '-app.jar' | head -n 1)
  echo "$jar:$(cat "$root/target/classpath.txt")"
}

# Compiles the tests (the benchmarks are test classes) and replaces this shell with a JVM running
# io.sparkdnn.bench.CLASS with the project's JVM flags and logging; JAVA_OPTS come last, so a
# user's options win. Run from the project root.
#   run_bench ROOT HEAP CLASS [ARGS...]      HEAP: an -Xmx value, or "" for the JVM's default
run_bench() {
  local root="$1" heap="$2" class="$3"
  shift 3
  (cd "$root" && mvn -q -B -DskipTests test-compile)
  exec java ${heap:+-Xmx"$heap"} $(cat "$root/target/jvm-flags.txt") \
    -Dlog4j2.configurationFile="$root/conf/log4j2.properties" ${JAVA_OPTS:-} \
    -cp "$root/target/test-classes:$root/target/classes:$(cat "$root/target/test-classpath.txt")" \
    "io.sparkdnn.bench.$class" "$@"
}
