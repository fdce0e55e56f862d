#!/usr/bin/env bash
# Refreshes the chart library the dashboard embeds: dygraphs, from Debian's libjs-dygraphs
# (installed with apt-get when missing), copied into Sources/HeadroomDashboard/Assets with its
# licence. The build embeds these files in the binary (SwiftPM `embedInCode`), so neither the
# build nor the running daemon needs the package; rerun this after a Debian update of it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/apt.sh
source_dir=/usr/share/javascript/dygraphs
if [ ! -e "$source_dir/dygraph.min.js" ]; then apt_install scripts/vendor-dygraphs.sh libjs-dygraphs; fi
assets=Sources/HeadroomDashboard/Assets
version=$(dpkg-query -W -f '${Version}' libjs-dygraphs)
# The source map is not shipped: drop the comment that points a browser's tools at it.
grep -v '^//# sourceMappingURL=' "$source_dir/dygraph.min.js" > "$assets/dygraph.min.js"
cp "$source_dir/dygraph.min.css" "$assets/dygraph.min.css"
sed -i '/sourceMappingURL/d' "$assets/dygraph.min.css"
{
    echo "dygraphs $version (Debian libjs-dygraphs), embedded in Headroom's dashboard."
    echo
    zcat -f /usr/share/doc/libjs-dygraphs/copyright
} > "$assets/dygraphs-LICENSE.txt"
echo "vendored dygraphs $version into $assets"
