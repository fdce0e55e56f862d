#!/usr/bin/env bash
# Makes deploy/headroom.order, the symbol ordering scripts/build-release.sh links with: the
# functions the idle daemon runs (sampling rounds, scrapes of /metrics, the delivery
# service waiting) first, then those only its start runs. Measured with valgrind's callgrind
# on a release binary linked without an ordering, running the full daemon (server and
# every channel: Benchmarks/full-daemon.yaml) with two GPUs of the fake libnvidia-ml.so.1
# (the same ABI as the driver, so the NVML collector's code is measured too), for two
# phases: start-up, then 60 s of 1 s rounds scraped every 2 s.
#
# Rerun after a toolchain upgrade or a large change; a stale file costs memory, not
# correctness (lld places what it finds and ignores the rest).
# Needs valgrind (installed when missing) and curl. Usage: scripts/order-symbols.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/apt.sh
command -v valgrind >/dev/null || apt_install scripts/order-symbols.sh valgrind
bin=$(scripts/build-release.sh --no-order --keep-symbols | tail -1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Two GPUs with a process each, from the package's fake driver (built with the same flags).
fake_dir=$(scripts/build-release.sh --no-order --keep-symbols --product FakeNVML | tail -1)
mkdir -p "$work/nvml"
strip --strip-debug -o "$work/nvml/libnvidia-ml.so.1" "$fake_dir/libFakeNVML.so"
printf 'gpus 2\ngpu 0 procs %s:8589934592\ngpu 1 procs 1:1073741824\n' "$$" > "$work/nvml/fake-nvml.scenario"
# callgrind cannot read the DWARF 5 these are built with; the symbol tables are all it needs.
strip --strip-debug -o "$work/headroom" "$bin"
port=19481
LD_LIBRARY_PATH=$work/nvml HEADROOM_SERVER_LISTEN=127.0.0.1:$port HEADROOM_STATE_DIR=$work/state HEADROOM_INTERVAL=1s \
HEADROOM_CHANNELS_JSONLOG_PATH=$work/alerts.jsonl \
    valgrind --tool=callgrind --demangle=no --callgrind-out-file="$work/cg.out" \
    "$work/headroom" run --config Benchmarks/full-daemon.yaml >/dev/null 2>"$work/run.log" &
vg=$!
for _ in $(seq 600); do curl -fs -o /dev/null "http://127.0.0.1:$port/metrics" && break; sleep 0.1; done
callgrind_control -d "$vg" >/dev/null          # cg.out.1: start-up
for _ in $(seq 30); do curl -fs -o /dev/null "http://127.0.0.1:$port/metrics" || true; sleep 2; done
kill -INT "$vg"; wait "$vg" || true            # cg.out: the idle phase
python3 - "$work/cg.out.1" "$work/cg.out" > deploy/headroom.order <<'EOF'
import re, sys
def functions(path):
    names, seen, order = {}, set(), []
    for line in open(path, errors="replace"):
        m = re.match(r"^c?fn=\((\d+)\)(?: (.*))?$", line)
        if not m:
            continue
        if m.group(2):
            names[m.group(1)] = re.sub(r"'\d+$", "", m.group(2).strip())
        name = names.get(m.group(1))
        if name and not name.startswith("0x") and name not in seen:
            seen.add(name); order.append(name)
    return order
startup, idle = functions(sys.argv[1]), functions(sys.argv[2])
idle_set = set(idle)
print("\n".join(idle + [name for name in startup if name not in idle_set]))
EOF
echo "deploy/headroom.order: $(wc -l < deploy/headroom.order) symbols ($(grep -c . "$work/run.log") log lines)" >&2
