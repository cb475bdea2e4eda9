#!/usr/bin/env bash
# Runs every test: unit, gradient checks, parity, Spark end-to-end (local mode) and the cluster
# integration tests. Installs what is missing from Debian's packages: Java 17, Maven, Chromium
# (the training report is opened in a headless browser) and a font for its charts.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"
ensure_tools
ensure_test_tools
cd "$root"
exec mvn -B verify "$@"
