#!/usr/bin/env bash
# Runs every test: unit, gradient checks, parity, Spark end-to-end (local mode) and the cluster
# integration tests. Installs what is missing from Debian's packages: Java 17, Maven, Chromium
# (the training report is opened in a headless browser), a font for its charts, and Fashion-MNIST.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"
ensure_tools
ensure_test_tools
ensure_fashion_mnist   # FashionMnistInsightTest: the range test and importance on the real data
cd "$root"
exec mvn -B verify "$@"
