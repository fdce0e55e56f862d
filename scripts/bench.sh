#!/usr/bin/env bash
# Builds Headroom as it ships (release, static Swift runtime) in its own scratch path and
# runs every benchmark. Usage: scripts/bench.sh [--idle-seconds N] [--only sample|evaluate|round|gpu|idle]
set -euo pipefail
cd "$(dirname "$0")/.."
# The daemon as it ships (its own scratch path and flags), the harness in another.
headroom=$(scripts/build-release.sh | tail -1)
swift build -c release --static-swift-stdlib --scratch-path .build-release --product headroom-bench
swift build -c release --static-swift-stdlib --scratch-path .build-release --product FakeNVML
bin="$(swift build -c release --static-swift-stdlib --scratch-path .build-release --show-bin-path)"
"$bin/headroom-bench" --headroom "$headroom" "$@"
