#!/usr/bin/env bash
# What full Foundation costs a static binary, and who in Headroom's shipped build pulls it in.
#
# 1. Builds tiny static programs that read a /proc file once a second, each using one API
#    more than FoundationEssentials offers, and prints each binary's size and idle RSS.
#    Any reference to swift-corelibs-foundation (FileHandle, Thread, NSString, …) links all
#    of it, CoreFoundation and ICU's data; formatters also run their start-up at run time.
# 2. Lists, per module of the shipped build (scripts/build-release.sh), the swift-corelibs
#    Foundation symbols its object files reference (mangled `10Foundation`; what
#    FoundationEssentials defines mangles as `20FoundationEssentials`).
#
# Usage: scripts/foundation-cost.sh [--skip-tiny] [--skip-refs]
set -euo pipefail
cd "$(dirname "$0")/.."
tiny=yes refs=yes
for argument in "$@"; do
    case "$argument" in
        --skip-tiny) tiny=no ;;
        --skip-refs) refs=no ;;
        *) echo "usage: $0 [--skip-tiny] [--skip-refs]" >&2; exit 2 ;;
    esac
done

if [ "$tiny" = yes ]; then
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    echo "| program (static, release, stripped) | binary | idle VmRSS | RssFile |"
    echo "|---|---|---|---|"
    variant() {
        local name=$1 module=$2 label=$3 body=$4
        mkdir -p "$work/$name/Sources/$name"
        printf '// swift-tools-version:6.0\nimport PackageDescription\nlet package = Package(name: "%s", targets: [.executableTarget(name: "%s")])\n' \
            "$name" "$name" > "$work/$name/Package.swift"
        printf 'import %s\nimport Glibc\n%s\nwhile true { sleep(1); _ = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) }\n' \
            "$module" "$body" > "$work/$name/Sources/$name/main.swift"
        (cd "$work/$name" && swift build -c release --static-swift-stdlib -Xlinker -s >/dev/null 2>&1)
        local binary="$work/$name/.build/release/$name"
        "$binary" >/dev/null &
        local pid=$!
        sleep 3
        local rss file
        rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
        file=$(awk '/^RssFile/ {print $2}' "/proc/$pid/status")
        kill "$pid"; wait "$pid" 2>/dev/null || true
        awk -v label="$label" -v size="$(stat -c %s "$binary")" -v rss="$rss" -v file="$file" \
            'BEGIN { printf "| %s | %.1f MiB | %.1f MiB | %.1f MiB |\n", label, size / 1048576, rss / 1024, file / 1024 }'
    }
    variant essentials FoundationEssentials "FoundationEssentials only" 'print(try! String(contentsOfFile: "/proc/meminfo", encoding: .utf8).count, Date().timeIntervalSince1970)'
    variant essentialsjson Foundation "import Foundation; JSONEncoder, TimeZone, ProcessInfo (all in Essentials)" 'struct A: Codable { var x = 1 }; print(String(decoding: try! JSONEncoder().encode(A()), as: UTF8.self), TimeZone.current.identifier, ProcessInfo.processInfo.hostName)'
    variant filehandle Foundation "+ FileHandle.standardError" 'FileHandle.standardError.write(Data("x\n".utf8))'
    variant thread Foundation "+ Thread" 'let t = Thread { print("t") }; t.start(); sleep(1)'
    variant format Foundation "+ String(format:)" 'print(String(format: "%.2f", 3.14159))'
    variant dateformatter Foundation "+ DateFormatter, used" 'let f = DateFormatter(); f.dateFormat = "yyyy-MM-dd HH:mm:ss"; print(f.string(from: Date()))'
fi

if [ "$refs" = yes ]; then
    binary=$(scripts/build-release.sh)
    objects=$(dirname "$binary")
    echo
    echo "swift-corelibs-foundation symbols referenced by the modules linked into headroom:"
    for module in "$objects"/*.build; do
        name=$(basename "$module" .build)
        case "$name" in HeadroomBench|*Tests|HeadroomTesting) continue ;; esac
        found=$(for object in "$module"/*.o; do
                    { nm -u "$object" 2>/dev/null | grep "s10Foundation" || true; } | swift demangle --simplified \
                        | sed -E 's/^ *U //; s/\(.*//' | sed "s|^|$(basename "$object" .o): |"
                done | sort -u)
        if [ -n "$found" ]; then
            echo "## $name ($(echo "$found" | wc -l) references)"
            echo "$found" | sed 's/^/  /'
        fi
    done
fi
