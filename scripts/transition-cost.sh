#!/usr/bin/env bash
# What rounds in which alerts change state cost, and on which thread (BENCHMARKS.md, "The
# alert state off the round thread"). A daemon at `interval: 100ms` watches one fake GPU that
# flips between 50 % and 96 % every 300 ms, so gpu_memory_critical fires or resolves every
# third round and every such round has a state to save; history, server and channels are off,
# so what remains is sampling, evaluation and the state file. Prints, over SECONDS after a
# 3 s warm-up, each live thread's CPU a second (schedstat) and the whole process's (from
# /proc/PID/stat, in 10 ms clock ticks, so it also counts threads that ended meanwhile).
#
# Usage: scripts/transition-cost.sh BINARY [BINARY…] [--seconds N]   (default 60; binaries
#        alternate in the order given: build them first, e.g. scripts/build-release.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=60
binaries=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds=$2; shift 2 ;;
        *) binaries+=("$1"); shift ;;
    esac
done
[ ${#binaries[@]} -gt 0 ] || { echo "usage: $0 BINARY [BINARY…] [--seconds N]" >&2; exit 2; }
fake=$(ls .build*/x86_64-unknown-linux-gnu/*/libFakeNVML.so 2>/dev/null | head -1)
[ -n "$fake" ] || { echo "no libFakeNVML.so under .build*/: build the package first (swift build)" >&2; exit 2; }

for bin in "${binaries[@]}"; do
    work=$(mktemp -d)
    cp "$fake" "$work/libnvidia-ml.so.1"
    {
        echo "gpus 1"; echo "gpu 0 total 25769803776"; echo "gpu 0 used 12884901888"; echo "auto_step_ms 300"
        for step in $(seq 1 4000); do
            if [ $((step % 2)) -eq 1 ]; then echo "at $step gpu 0 used 24739011379"; else echo "at $step gpu 0 used 12884901888"; fi
        done
    } > "$work/fake-nvml.scenario"
    cat > "$work/headroom.yaml" <<YAML
interval: 100ms
collectors:
  disabled: [cpu, memory, load, cgroup, pressure, amdgpu]
  nvml_library: $work/libnvidia-ml.so.1
history: {enabled: false}
server: {enabled: false}
channels: []
YAML
    HEADROOM_STATE_DIR="$work/state" "$bin" run --config "$work/headroom.yaml" > /dev/null 2> "$work/stderr" &
    pid=$!
    sleep 3
    threads() {
        for task in /proc/$pid/task/*; do echo "$(cat "$task/comm") $(cut -d' ' -f1 "$task/schedstat")"; done \
            | awk '{ns[$1] += $2} END {for (name in ns) print name, ns[name]}' | sort
    }
    ticks() { awk '{print $14 + $15}' /proc/$pid/stat; }
    threads > "$work/before"; t0=$(ticks)
    sleep "$seconds"
    threads > "$work/after"; t1=$(ticks)
    kill -TERM $pid; wait $pid || true
    echo "== $bin ($seconds s)"
    join -a2 -e0 -o 0,1.2,2.2 "$work/before" "$work/after" \
        | awk -v s="$seconds" '$3 > $2 {printf "  %-16s %7.0f us a second\n", $1, ($3 - $2) / 1000 / s}'
    echo "  whole process    $(( (t1 - t0) * 10000 / seconds )) us a second"
    rm -rf "$work"
done
