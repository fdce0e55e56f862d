public import HeadroomCollectors
public import HeadroomCore
public import HeadroomNotify

/// The validated configuration the daemon runs with.
///
/// Build one with ``ConfigurationLoader/load(yaml:source:environment:)``; the memberwise
/// initialiser's defaults are the YAML defaults except `rules` and `channels`, which are
/// empty here (the loader adds the built-in rules and the default console channel).
public struct HeadroomConfiguration: Sendable, Hashable {
    /// Time between two samples (YAML `interval`, default `5s`, at least `100ms`).
    public var interval: Duration
    /// Host name carried by notifications (YAML `hostname`, default nil: the daemon asks the system).
    public var hostname: String?
    /// How the host is read (YAML `collectors`: `root`, `timeout`, `disabled`, `cgroup_path`).
    public var collectors: CollectorSettings
    /// Engine-wide alerting behaviour (YAML `alerting`: `repeat_interval`, `inhibit`,
    /// `stale_after`, `flapping.window`, `flapping.max_changes`).
    public var policy: AlertPolicy
    /// The effective rules, in evaluation order: the built-ins (YAML `default_rules`, default
    /// true; `collector_failed` always), each replaced in place by a YAML `rules` entry of the
    /// same name, then the other entries of YAML `rules`; entries with `enabled: false` dropped.
    public var rules: [AlertRule]
    /// Where notifications go (YAML `channels`, default: one `console` channel).
    public var channels: [ChannelConfiguration]
    /// The daemon's own log (YAML `log`: `level`, default `info`; `format`, default `text`).
    public var log: LogSettings
    /// Durable delivery (YAML `state_dir`, `delivery: {deadline: {critical, warning, info}, retry: {initial, maximum}}`).
    public var delivery = DeliverySettings()
    /// The HTTP server: /metrics, /healthz, /readyz, the JSON API (YAML `server`: `enabled`,
    /// `listen`, default `127.0.0.1:19400`; `token`; `insecure`).
    public var server: ServerSettings
    /// Pushing samples as InfluxDB line protocol (YAML `push`: `enabled`, `url`, `protocol`,
    /// `database`, `org`, `bucket`, `token`, `interval`, `batch_size`, `buffer_size`, `gzip`, `timeout`).
    public var push: PushSettings
    /// The recorded history (YAML `history`: `enabled`, `retention`, `max_bytes`,
    /// `flush_interval`, `path`).
    public var history = HistorySettings()

    /// A configuration from its parts; every default is the YAML default except `rules` and `channels`.
    public init(
        interval: Duration = .seconds(5),
        hostname: String? = nil,
        collectors: CollectorSettings = CollectorSettings(),
        policy: AlertPolicy = AlertPolicy(),
        rules: [AlertRule] = [],
        channels: [ChannelConfiguration] = [],
        log: LogSettings = LogSettings(),
        server: ServerSettings = ServerSettings(),
        push: PushSettings = PushSettings()
    ) {
        self.interval = interval
        self.hostname = hostname
        self.collectors = collectors
        self.policy = policy
        self.rules = rules
        self.channels = channels
        self.log = log
        self.server = server
        self.push = push
    }
}
