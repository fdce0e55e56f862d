#!/usr/bin/env bash
# The dashboard's cost (BENCHMARKS.md, "Dashboard"): first meaningful paint with 24 h of
# history for 8 GPUs, and the daemon's CPU with the page open and closed, in Debian's
# headless Chromium. Installs chromium and chromium-driver when missing; builds the shipped
# binary, headroom-bench and the fake NVML driver.
#   scripts/bench-dashboard.sh [--seconds 60] [--loads 5]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/apt.sh
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
apt_install scripts/bench-dashboard.sh ${missing[@]+"${missing[@]}"}
headroom=$(scripts/build-release.sh | tail -1)
bin=$(scripts/build-release.sh --product headroom-bench | tail -1)
scripts/build-release.sh --product FakeNVML >/dev/null
python3 Benchmarks/dashboard-bench.py --headroom "$headroom" --bench "$bin/headroom-bench" "$@"
