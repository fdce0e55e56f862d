#!/usr/bin/env bash
# Builds the shipped binary: release, static Swift runtime, linked with lld so that
#   - the code the daemon runs while idle sits together at the start of .text, in the order
#     of deploy/headroom.order (made by scripts/order-symbols.sh): the kernel maps file pages
#     64 KiB at a time around each fault, so code scattered over 26 MiB of .text kept 19 MiB
#     resident while the daemon runs about 1 MiB of it;
#   - relative relocations are packed (-z pack-relative-relocs, glibc >= 2.36): 3 MiB of
#     .rela.dyn is not read at every start;
#   - the executable exports no symbols (--no-export-dynamic): nothing dlopen'ed needs them,
#     and the dynamic loader no longer walks a 42,000-entry symbol table.
# Functions get sections of their own (-function-sections) so that the ordering can move
# each one; the linker's --gc-sections then also drops more unused code. It stays a
# position-independent executable (ASLR).
#
# Usage: scripts/build-release.sh [--scratch-path DIR] [--no-order] [--keep-symbols] [--product P]
# Prints the path of the built binary on its last line (of its folder, for a --product other
# than headroom).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=.build-ship
order=yes
strip=(-Xlinker -s)
product=headroom
while [ $# -gt 0 ]; do
    case "$1" in
        --scratch-path) scratch=$2; shift 2 ;;
        --no-order) order=no; shift ;;
        --keep-symbols) strip=(); shift ;;
        --product) product=$2; shift 2 ;;
        *) echo "usage: $0 [--scratch-path DIR] [--no-order] [--keep-symbols] [--product P]" >&2; exit 2 ;;
    esac
done
flags=(-c release --static-swift-stdlib --scratch-path "$scratch"
       -Xswiftc -Xfrontend -Xswiftc -function-sections -Xcc -ffunction-sections -Xswiftc -use-ld=lld
       -Xlinker --no-export-dynamic -Xlinker -z -Xlinker pack-relative-relocs)
if [ "$order" = yes ]; then
    flags+=(-Xlinker "--symbol-ordering-file=$PWD/deploy/headroom.order" -Xlinker --no-warn-symbol-ordering)
fi
flags+=("${strip[@]}")
swift build "${flags[@]}" --product "$product" >&2
dir=$(swift build "${flags[@]}" --show-bin-path)
if [ "$product" = headroom ]; then echo "$dir/headroom"; else echo "$dir"; fi
