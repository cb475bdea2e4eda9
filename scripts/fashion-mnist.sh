#!/usr/bin/env bash
# The main job, from a fresh Debian machine: installs what is missing (Java 17, Maven, Debian's
# dataset-fashion-mnist), builds spark-dnn, converts Fashion-MNIST to parquet once, trains
# 784-256relu-128relu-10softmax in local mode (conf/fashion-mnist.conf), prints progress and the
# test accuracy, and leaves the model in models/fashion-mnist (metadata.json, weights.bin,
# metrics.jsonl). Extra arguments go to `dnn train`, e.g. --set training.epochs=5.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"
cd "$root"

ensure_tools
if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  echo "installing Fashion-MNIST (apt-get install dataset-fashion-mnist)" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist >/dev/null
fi
if [ ! -d data/fashion-mnist/train.parquet ] || [ ! -d data/fashion-mnist/test.parquet ]; then
  scripts/dnn prepare --set prepare.overwrite=true
fi
scripts/dnn train --conf conf/fashion-mnist.conf "$@"
