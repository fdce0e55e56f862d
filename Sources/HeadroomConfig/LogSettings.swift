/// The daemon's own log (YAML `log`). It goes to standard error.
public struct LogSettings: Sendable, Hashable {
    /// Severity levels, named as swift-log names them.
    public enum Level: String, Sendable, Hashable, CaseIterable {
        case trace, debug, info, notice, warning, error, critical
    }

    /// Line format: `text` for people, `json` for log shippers.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        case text, json
    }

    /// Lowest level written (YAML `log.level`, default `info`).
    public var level: Level
    /// Line format (YAML `log.format`, default `text`).
    public var format: Format

    /// Log settings; the defaults are the YAML defaults.
    public init(level: Level = .info, format: Format = .text) {
        self.level = level
        self.format = format
    }
}
