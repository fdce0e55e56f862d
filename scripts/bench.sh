#!/usr/bin/env bash
# Builds Headroom as it ships (scripts/build-release.sh) and, in the same build tree and with
# the same flags, the harness and the fake NVML driver; runs every benchmark.
# Usage: scripts/bench.sh [--idle-seconds N] [--interval-ms 100] [--only sample|evaluate|flapping|round|gpu|delivery|idle|wakeups|history|replay|history-daemon]
#        [--against PATH]   (with --only wakeups: a second headroom binary in the same window)
#        [--gpus N] [--warm-up-seconds S]   (with --only wakeups: N fake GPUs; S seconds before the window)
set -euo pipefail
cd "$(dirname "$0")/.."
# The peers the idle benchmark measures beside Headroom in the same run (Debian packages).
missing=()
command -v monit >/dev/null 2>&1 || missing+=(monit)
command -v prometheus-node-exporter >/dev/null 2>&1 || missing+=(prometheus-node-exporter)
source scripts/lib/apt.sh
apt_install scripts/bench.sh ${missing[@]+"${missing[@]}"} \
    || echo "scripts/bench.sh: could not install ${missing[*]}; the idle table leaves them out" >&2
headroom=$(scripts/build-release.sh | tail -1)
bin=$(scripts/build-release.sh --product headroom-bench | tail -1)
scripts/build-release.sh --product FakeNVML >/dev/null
"$bin/headroom-bench" --headroom "$headroom" "$@"
