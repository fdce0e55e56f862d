#!/usr/bin/env bash
# Keeps the code honest, cheap enough to run on every CI build:
#   - it follows .swift-format (swift-format ships with the toolchain; reformat with
#     `swift format -i -r Sources Tests Benchmarks`);
#   - HeadroomCore, HeadroomConfigSyntax, HeadroomConfig and HeadroomTop never read a clock, the environment or a file.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! swift format lint --strict -r --configuration .swift-format Sources Tests Benchmarks; then
    echo "validate.sh: the code does not follow .swift-format; run: swift format -i -r Sources Tests Benchmarks" >&2
    exit 1
fi
echo "validate.sh: the code follows .swift-format"
pattern='Date\(\)|\.now\b|FileManager|ProcessInfo|getenv|fopen|open\(|ContinuousClock|SuspendingClock|DispatchTime|gettimeofday|clock_gettime'
if grep -RnE "$pattern" Sources/HeadroomCore Sources/HeadroomConfigSyntax Sources/HeadroomConfig Sources/HeadroomTop --include='*.swift'; then
    echo "validate.sh: HeadroomCore, HeadroomConfigSyntax, HeadroomConfig and HeadroomTop must not read clocks, files or the environment (see STYLE.md §5)" >&2
    exit 1
fi
echo "validate.sh: HeadroomCore, HeadroomConfigSyntax, HeadroomConfig and HeadroomTop are pure"
