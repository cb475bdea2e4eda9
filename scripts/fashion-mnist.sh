#!/usr/bin/env bash
# The main job, from a fresh Debian machine: installs what is missing (Java 17, Maven, Debian's
# dataset-fashion-mnist), builds spark-dnn, converts Fashion-MNIST to parquet once, trains
# 784-256relu-128relu-10softmax in local mode (conf/fashion-mnist.conf), prints progress and the
# test accuracy, and leaves the model in models/fashion-mnist (metadata.json, weights.bin,
# metrics.jsonl, report.html). Extra arguments go to `dnn train`, e.g. --set training.epochs=5.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/prepare-data.sh
exec scripts/dnn train --conf conf/fashion-mnist.conf "$@"
