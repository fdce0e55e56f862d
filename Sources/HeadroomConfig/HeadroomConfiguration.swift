public import HeadroomCollectors
public import HeadroomCore
public import HeadroomNotify

/// The validated configuration: what the daemon runs with.
public struct HeadroomConfiguration: Sendable, Hashable {
    /// YAML `interval`: time between two samples (default 5s, at least 100ms).
    public var interval: Duration
    /// YAML `hostname`: the host name notifications carry (default: the system's).
    public var hostname: String?
    /// YAML `collectors`: root directory, time budget, disabled collectors, cgroup override.
    public var collectors: CollectorSettings
    /// YAML `alerting`: repeat interval, inhibition, staleness, flap detection.
    public var policy: AlertPolicy
    /// The effective rules: the built-ins merged with the file's by name (YAML `rules`, `default_rules`).
    public var rules: [AlertRule]
    /// YAML `channels` (default: one console channel).
    public var channels: [ChannelConfiguration]
    /// YAML `log`: the daemon's own log.
    public var log: LogSettings

    public init(
        interval: Duration = .seconds(5), hostname: String? = nil, collectors: CollectorSettings = CollectorSettings(),
        policy: AlertPolicy = AlertPolicy(), rules: [AlertRule] = [], channels: [ChannelConfiguration] = [],
        log: LogSettings = LogSettings()
    ) {
        self.interval = interval
        self.hostname = hostname
        self.collectors = collectors
        self.policy = policy
        self.rules = rules
        self.channels = channels
        self.log = log
    }
}

/// The daemon's own log (YAML `log`).
public struct LogSettings: Sendable, Hashable {
    /// Severity levels, as swift-log names them.
    public enum Level: String, Sendable, Hashable, CaseIterable { case trace, debug, info, notice, warning, error, critical }
    /// `text` for people, `json` for log shippers.
    public enum Format: String, Sendable, Hashable, CaseIterable { case text, json }

    /// YAML `log.level`, default `info`.
    public var level: Level
    /// YAML `log.format`, default `text`.
    public var format: Format

    public init(level: Level = .info, format: Format = .text) {
        self.level = level
        self.format = format
    }
}

/// A configuration that loaded, with the warnings worth showing (unknown HEADROOM_ variables).
public struct LoadedConfiguration: Sendable {
    public var configuration: HeadroomConfiguration
    public var warnings: [ConfigurationIssue]
}
