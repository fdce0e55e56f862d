#!/usr/bin/env bash
# Builds Headroom as it ships (scripts/build-release.sh) and, in the same build tree and with
# the same flags, the harness and the fake NVML driver; runs every benchmark.
# Usage: scripts/bench.sh [--idle-seconds N] [--interval-ms 100] [--only sample|evaluate|round|gpu|delivery|idle|wakeups]
set -euo pipefail
cd "$(dirname "$0")/.."
headroom=$(scripts/build-release.sh | tail -1)
bin=$(scripts/build-release.sh --product headroom-bench | tail -1)
scripts/build-release.sh --product FakeNVML >/dev/null
"$bin/headroom-bench" --headroom "$headroom" "$@"
