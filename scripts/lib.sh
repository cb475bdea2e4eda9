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
  local stamp="$root/target/.built"
  if [ ! -f "$stamp" ] || [ ! -f "$root/target/classpath.txt" ] \
      || [ -n "$(find "$root/src/main" "$root/pom.xml" "$root/conf/defaults.conf" -newer "$stamp" -print -quit)" ]; then
    echo "building spark-dnn (mvn package, tests skipped)" >&2
    (cd "$root" && mvn -q -B -DskipTests package) >&2
    touch "$stamp"
  fi
}

# The application jar followed by every dependency, Spark included.
app_classpath() {
  local root="$1"
  local jar
  jar=$(ls "$root"/target/spark-dnn-*.jar | grep -v -- '-app.jar' | head -n 1)
  echo "$jar:$(cat "$root/target/classpath.txt")"
}
