#!/usr/bin/env bash
# Runs every test: unit, gradient checks, parity, Spark end-to-end (local mode) and the cluster
# integration tests. Installs Java 17 and Maven from Debian's packages when missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"
ensure_tools
cd "$root"
exec mvn -B verify "$@"
