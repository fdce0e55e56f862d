#!/usr/bin/env bash
# What one sampling round executes, counted rather than timed: the figure to work against for
# the 1 s cost (BENCHMARKS.md, "Where a 1 s round's time goes"). At 1 s a round runs with cold
# caches, so its CPU follows the code and data it touches more than its instructions; the
# wall-clock figures move by ±10 % between runs here, these do not.
#
# Runs the embedded default at `interval: 1s` under valgrind's callgrind (a release build with
# symbols, the same flags as the shipped one), zeroes the counts after a warm-up, counts N
# seconds of rounds, and prints for the round thread and the history's writer: instructions
# a round, the distinct 64-byte lines of code executed and the 4 KiB pages they lie on (by
# module, then the largest functions).
#
# Needs valgrind and python3 (installed when missing). The first build takes minutes.
# Usage: scripts/round-footprint.sh [--seconds N] [--binary PATH]   (PATH: built with symbols,
#        e.g. scripts/build-release.sh --keep-symbols)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/apt.sh
seconds=30
bin=""
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds=$2; shift 2 ;;
        --binary) bin=$2; shift 2 ;;
        *) echo "usage: $0 [--seconds N] [--binary PATH]" >&2; exit 2 ;;
    esac
done
missing=()
command -v valgrind >/dev/null || missing+=(valgrind)
command -v python3 >/dev/null || missing+=(python3)
apt_install scripts/round-footprint.sh "${missing[@]}"
if [ -z "$bin" ]; then
    bin=$(scripts/build-release.sh --scratch-path .build-prof --keep-symbols | tail -1)
fi
work=$(mktemp -d)
trap 'kill "$vg" 2>/dev/null || true; rm -rf "$work"' EXIT
vg=""
# callgrind cannot read the DWARF 5 these are built with; the symbol table is all it needs.
strip --strip-debug -o "$work/headroom" "$bin"
mkdir "$work/state"
HEADROOM_STATE_DIR=$work/state HEADROOM_INTERVAL=1s HEADROOM_LOG_LEVEL=warning \
    valgrind --tool=callgrind --dump-instr=yes --compress-pos=no --compress-strings=no --separate-threads=yes \
    --callgrind-out-file="$work/cg.%p" "$work/headroom" >/dev/null 2>"$work/run.log" &
vg=$!
sleep 25                                         # start-up and the first history flushes
callgrind_control -z "$vg" >/dev/null
sleep "$seconds"
callgrind_control -d "$vg" >/dev/null
for _ in $(seq 100); do compgen -G "$work/cg.*.1-*" >/dev/null && break; sleep 0.2; done
sleep 2
kill -INT "$vg" 2>/dev/null || true
wait "$vg" 2>/dev/null || true
demangle() { if command -v swift >/dev/null; then swift demangle --simplified; else cat; fi; }
python3 - "$work" <<'EOF' | demangle | cut -c1-160
import collections, glob, re, sys

def load(path):
    """Exclusive instructions and the 64-byte code lines executed, per (object, function)."""
    lines, ir = collections.defaultdict(set), collections.Counter()
    rounds, ob, fn, callee, after = 0, None, None, "", False
    for text in open(path, errors="replace"):
        if text.startswith("ob="): ob = text[3:].strip(); continue
        if text.startswith("fn="): fn = text[3:].strip(); continue
        if text.startswith("cfn="):
            callee = text[4:]; continue
        if text.startswith("calls="):
            # One call of the collectors' round per sampling round.
            if "14CollectorRoundO7collect" in callee and "14CollectorRoundO7collect" not in fn:
                rounds += int(text[6:].split()[0])
            after = True; continue
        if text.startswith("0x"):
            parts = text.split()
            if not after: ir[(ob, fn)] += int(parts[2])
            after = False
            lines[(ob, fn)].add(int(parts[0], 16) >> 6)
            continue
        after = False
    return lines, ir, rounds

def module(ob, fn):
    if not ob.endswith("/headroom"): return ob.rsplit("/", 1)[-1]
    if fn.startswith(("$ss", "$sS")): return "Swift standard library"
    m = re.match(r"\$s(\d+)(\w+)", fn)
    if m: return m.group(2)[: int(m.group(1))]
    if fn.startswith(("swift", "_swift", "__swift")) or "swift::" in fn: return "Swift runtime"
    return "C in the executable (SQLite, …)"

threads = {}
for path in glob.glob(sys.argv[1] + "/cg.*.1-*"):
    text = open(path, errors="replace").read()
    if "SamplingService" in text and "14CollectorRoundO7collect" in text: threads.setdefault("round", path)
    elif "15HistoryRecorderC5write" in text: threads.setdefault("history's writer", path)
round_count = None
for name in ("round", "history's writer"):
    if name not in threads: print(f"no {name} thread found"); continue
    lines, ir, rounds = load(threads[name])
    if name == "round": round_count = rounds
    per = round_count or 1
    by_object = collections.defaultdict(set)
    for (o, f), s in lines.items(): by_object[o] |= s
    code = sum(len(s) for s in by_object.values()) * 64 / 1024
    # Pages rather than lines: a cold round misses in the TLB once per page it touches.
    pages = sum(len({line >> 6 for line in s}) for s in by_object.values())
    print(f"\n{name}: {sum(ir.values()) / per:,.0f} instructions a round over {per} rounds, {code:.1f} KiB of code executed on {pages} pages of 4 KiB")
    by_module, ir_module = collections.defaultdict(set), collections.Counter()
    for (o, f), s in lines.items():
        by_module[module(o, f)] |= {(o, x) for x in s}; ir_module[module(o, f)] += ir[(o, f)]
    print("| module | code executed | pages | instructions a round |\n|---|---|---|---|")
    for m, s in sorted(by_module.items(), key=lambda item: -len(item[1]))[:10]:
        print(f"| {m} | {len(s) * 64 / 1024:.1f} KiB | {len({(o, x >> 6) for o, x in s})} | {ir_module[m] / per:,.0f} |")
    print("largest functions (code executed, instructions a round):")
    for (o, f), s in sorted(lines.items(), key=lambda item: -len(item[1]))[:12]:
        print(f"  {len(s) * 64 / 1024:4.1f} KiB {ir[(o, f)] / per:9,.0f}  {f}")
EOF
