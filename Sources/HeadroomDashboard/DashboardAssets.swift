/// The dashboard's files, embedded in the binary at build time (SwiftPM `embedInCode`): the
/// page, its script and style, and dygraphs with its licence (Debian's libjs-dygraphs, copied
/// by `scripts/vendor-dygraphs.sh`). Nothing is read from disk or fetched at run time.
public enum DashboardAssets {
    /// One file as the server sends it.
    public struct Asset: Sendable {
        public let bytes: [UInt8]
        public let contentType: String
        /// A strong validator for `ETag` / `If-None-Match`: FNV-1a of the bytes, quoted.
        public let etag: String

        init(_ bytes: [UInt8], _ contentType: String) {
            self.bytes = bytes
            self.contentType = contentType
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
            etag = "\"" + String(hash, radix: 16) + "\""
        }
    }

    /// `index.html`, served at `/`.
    public static let page = Asset(PackageResources.index_html, "text/html; charset=utf-8")

    /// The files under `/assets/`, by name. Each is built (its ETag hashed) once, on first
    /// use: a daemon nobody looks at never copies them out of the binary's read-only data.
    public static func asset(named name: String) -> Asset? {
        switch name {
        case "dashboard.js": script
        case "dashboard.css": style
        case "dygraph.min.js": chartLibrary
        case "dygraph.min.css": chartStyle
        case "icon.svg": icon
        case "dygraphs-LICENSE.txt": chartLicence
        default: nil
        }
    }

    private static let script = Asset(PackageResources.dashboard_js, "text/javascript; charset=utf-8")
    private static let style = Asset(PackageResources.dashboard_css, "text/css; charset=utf-8")
    private static let chartLibrary = Asset(PackageResources.dygraph_min_js, "text/javascript; charset=utf-8")
    private static let chartStyle = Asset(PackageResources.dygraph_min_css, "text/css; charset=utf-8")
    private static let icon = Asset(PackageResources.icon_svg, "image/svg+xml")
    private static let chartLicence = Asset(PackageResources.dygraphs_LICENSE_txt, "text/plain; charset=utf-8")
}
