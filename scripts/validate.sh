#!/usr/bin/env bash
# Keeps the functional core honest: HeadroomCore must never read a clock, the
# environment or a file. Cheap enough to run on every CI build.
set -euo pipefail
cd "$(dirname "$0")/.."
pattern='Date\(\)|\.now\b|FileManager|ProcessInfo|getenv|fopen|open\(|ContinuousClock|SuspendingClock|DispatchTime|gettimeofday|clock_gettime'
if grep -RnE "$pattern" Sources/HeadroomCore Sources/HeadroomConfig --include='*.swift'; then
    echo "validate.sh: HeadroomCore and HeadroomConfig must not read clocks, files or the environment (see STYLE.md §5)" >&2
    exit 1
fi
echo "validate.sh: HeadroomCore and HeadroomConfig are pure"
