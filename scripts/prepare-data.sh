#!/usr/bin/env bash
# Prepares the datasets once: Fashion-MNIST (installed from Debian's dataset-fashion-mnist when
# missing) to data/fashion-mnist/{train,test}.parquet, and the generated examples of
# conf/multiclass.conf, binary.conf and regression.conf to data/synthetic/. Existing output is kept.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"
cd "$root"
ensure_fashion_mnist
if [ ! -d data/fashion-mnist/train.parquet ] || [ ! -d data/fashion-mnist/test.parquet ]; then
  scripts/dnn prepare --set prepare.dataset=fashion-mnist --set prepare.overwrite=true
fi
if [ "${1:-}" = "--all" ] && [ ! -d data/synthetic/multiclass.parquet ]; then
  scripts/dnn prepare --set prepare.dataset=synthetic --set prepare.overwrite=true
fi
