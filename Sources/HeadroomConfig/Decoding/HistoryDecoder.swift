import HeadroomConfigSyntax
import HeadroomCore

/// Decodes `history: {enabled, retention, rollup_retention, max_bytes, flush_interval, path}`.
enum HistoryDecoder {
    static let keys = ["enabled", "retention", "rollup_retention", "max_bytes", "flush_interval", "path"]
    static let scalarPaths: [[String]] = keys.map { ["history", $0] }

    static func decode(_ root: Fields, into settings: inout HistorySettings, reader: inout NodeReader) {
        guard let fields = reader.fields(root, "history", allowed: keys, expected: "a mapping such as {retention: 7d, max_bytes: 1GiB}") else { return }
        if let value = reader.bool(fields, "enabled") { settings.enabled = value }
        if let value = reader.duration(fields, "retention", minimum: .seconds(3600)) { settings.retention = value }
        if let value = reader.duration(fields, "rollup_retention", minimum: .zero) {
            if value != .zero, value < settings.retention {
                report(
                    fields, "rollup_retention",
                    "expected 0s (no one-minute tier) or at least history.retention (\(YAMLText.duration(settings.retention))): "
                        + "the one-minute tier keeps what is older than the samples, got \"\(YAMLText.duration(value))\"", &reader)
            } else {
                settings.rollupRetention = value
            }
        }
        if let value = reader.duration(fields, "flush_interval", minimum: .seconds(1)) {
            if value > .seconds(600) {
                report(fields, "flush_interval", "expected at most 10m: a kill -9 loses up to this much history, got \"\(YAMLText.duration(value))\"", &reader)
            } else {
                settings.flushInterval = value
            }
        }
        if let node = fields["max_bytes"], let text = reader.string(node, fields.path("max_bytes"), expected: "a size such as 1GiB") {
            if let bytes = HistorySettings.parseBytes(text), bytes >= 1 << 20 {
                settings.maxBytes = bytes
            } else {
                reader.report(node, fields.path("max_bytes"), "expected a size of at least 1MiB such as 512MiB, 1GiB or 2GB, got \"\(text)\"")
            }
        }
        if let path = reader.string(fields, "path", expected: "a file path") {
            if path.hasPrefix("/") {
                settings.path = path
            } else {
                report(fields, "path", "expected an absolute file path such as /var/lib/headroom/history.db, got \"\(path)\"", &reader)
            }
        }
    }

    private static func report(_ fields: Fields, _ key: String, _ message: String, _ reader: inout NodeReader) {
        if let node = fields[key] { reader.report(node, fields.path(key), message) }
    }
}
