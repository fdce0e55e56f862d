/// The recorded history (YAML `history:`): every series the rules see, the alert
/// transitions, notification outcomes and incidents, in one SQLite file in the state directory.
public struct HistorySettings: Sendable, Hashable {
    /// Record at all (YAML `history.enabled`, default true).
    public var enabled: Bool
    /// How long samples and events are kept (YAML `history.retention`, default 7d).
    public var retention: Duration
    /// How long one-minute buckets (minimum, maximum, mean, count, last sample) are kept of
    /// samples older than `retention` (YAML `history.rollup_retention`, default 30d; `0s`:
    /// none, the samples go at `retention`).
    public var rollupRetention: Duration
    /// The most the file may take; the oldest data goes first beyond it (YAML
    /// `history.max_bytes`, default 1 GiB; `512MiB` and `2GB` are accepted).
    public var maxBytes: Int
    /// How often what was recorded is committed to the file; a `kill -9` loses at most
    /// this much (YAML `history.flush_interval`, default 10s).
    public var flushInterval: Duration
    /// The file (YAML `history.path`, default `<state_dir>/history.db`).
    public var path: String?

    public static let defaultMaxBytes = 1 << 30

    public init(
        enabled: Bool = true, retention: Duration = .seconds(7 * 86_400), rollupRetention: Duration = .seconds(30 * 86_400),
        maxBytes: Int = HistorySettings.defaultMaxBytes, flushInterval: Duration = .seconds(10), path: String? = nil
    ) {
        self.enabled = enabled
        self.retention = retention
        self.rollupRetention = rollupRetention
        self.maxBytes = maxBytes
        self.flushInterval = flushInterval
        self.path = path
    }

    /// The file name in the state directory when `path` is not set.
    public static let fileName = "history.db"

    /// The file: `path`, or `history.db` in `stateDirectory`.
    public func file(stateDirectory: String) -> String {
        path ?? (stateDirectory.hasSuffix("/") ? stateDirectory : stateDirectory + "/") + Self.fileName
    }

    /// Parses `1073741824`, `512MiB`, `2GiB`, `500MB`, `64KiB` (a space before the unit is
    /// allowed); nil for anything else.
    public static func parseBytes(_ text: String) -> Int? {
        let trimmed = text.trimmingWhitespace()
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let number = Int(digits) else { return nil }
        let unit = String(trimmed.dropFirst(digits.count)).trimmingWhitespace()
        let factors: [String: Int] = [
            "": 1, "B": 1, "KB": 1000, "MB": 1000 * 1000, "GB": 1000 * 1000 * 1000,
            "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40, "TB": 1000 * 1000 * 1000 * 1000,
        ]
        guard let factor = factors[unit] else { return nil }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: factor)
        return overflow ? nil : bytes
    }

    /// `1GiB`, `512MiB`, or the plain number when it is not a whole number of MiB.
    public static func formatBytes(_ bytes: Int) -> String {
        if bytes > 0, bytes % (1 << 30) == 0 { return "\(bytes >> 30)GiB" }
        if bytes > 0, bytes % (1 << 20) == 0 { return "\(bytes >> 20)MiB" }
        return "\(bytes)"
    }
}
