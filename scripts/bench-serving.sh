#!/usr/bin/env bash
# /metrics throughput and latency of Headroom against prometheus-node-exporter (Debian) in
# the same run, with wrk (Debian), plus idle RSS/PSS/CPU of both at the same scrape rate
# (Headroom with its server and every channel enabled).
# Usage: scripts/bench-serving.sh [HEADROOM_BINARY]   (default: scripts/build-release.sh's build)
set -euo pipefail
cd "$(dirname "$0")/.."
# What it runs beside Headroom (Debian packages), installed when missing.
missing=()
for tool in wrk:wrk prometheus-node-exporter:prometheus-node-exporter curl:curl bc:bc; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool##*:}")
done
source scripts/lib/apt.sh
apt_install scripts/bench-serving.sh ${missing[@]+"${missing[@]}"}
bin=${1:-$(scripts/build-release.sh | tail -1)}
work=$(mktemp -d)
trap 'kill $hpid $npid 2>/dev/null || true; rm -rf "$work"' EXIT
# The full daemon: server and every channel (Benchmarks/full-daemon.yaml), 5 s rounds.
HEADROOM_SERVER_LISTEN=127.0.0.1:19471 HEADROOM_STATE_DIR="$work/state" HEADROOM_CHANNELS_JSONLOG_PATH="$work/alerts.jsonl" \
    "$bin" run --config Benchmarks/full-daemon.yaml >/dev/null 2>"$work/h.log" & hpid=$!
prometheus-node-exporter --web.listen-address=127.0.0.1:19472 2>"$work/n.log" & npid=$!
for url in http://127.0.0.1:19471/metrics http://127.0.0.1:19472/metrics; do
    for _ in $(seq 100); do curl -fs -o /dev/null "$url" && break; sleep 0.1; done
done
mem() { awk '/^VmRSS/{r=$2} END{printf "RSS %.1f MiB", r/1024}' /proc/$1/status; awk '/^Pss:/{printf ", PSS %.1f MiB", $2/1024}' /proc/$1/smaps_rollup; }
cpu() { awk '{printf "%.2f", ($14+$15)/100}' /proc/$1/stat; }
echo "== idle, scraped every 1 s for 30 s"
h0=$(cpu $hpid); n0=$(cpu $npid)
for _ in $(seq 30); do curl -fs -o /dev/null http://127.0.0.1:19471/metrics; curl -fs -o /dev/null http://127.0.0.1:19472/metrics; sleep 1; done
echo "headroom:      $(mem $hpid), CPU $(echo "$(cpu $hpid) - $h0" | bc) s in 30 s, page $(curl -fs http://127.0.0.1:19471/metrics | wc -c) B"
echo "node_exporter: $(mem $npid), CPU $(echo "$(cpu $npid) - $n0" | bc) s in 30 s, page $(curl -fs http://127.0.0.1:19472/metrics | wc -c) B"
for target in headroom:19471 node_exporter:19472; do
    echo "== wrk ${target%%:*} (1 thread, 4 connections, 10 s)"
    wrk -t1 -c4 -d10s --latency "http://127.0.0.1:${target##*:}/metrics" | grep -E "Requests/sec|50%|99%|Latency"
done
echo "headroom after load: $(mem $hpid)"
