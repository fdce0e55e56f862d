public import HeadroomCore

/// How notifications are kept and retried (YAML `state_dir:` and `delivery:`).
public struct DeliverySettings: Sendable, Hashable {
    /// YAML `state_dir:` / `HEADROOM_STATE_DIR`; nil: `StateDirectory.default`.
    public var stateDirectory: String?
    /// How long a notification is retried before it is given up, by severity
    /// (YAML `delivery.deadline: {critical: 24h, warning: 6h, info: 1h}`).
    public var criticalDeadline: Duration
    public var warningDeadline: Duration
    public var infoDeadline: Duration
    /// YAML `delivery.retry: {initial: 1s, maximum: 5m}`.
    public var retry: Backoff
    /// YAML `delivery.resolved_after_silence`, default true: a resolved notification is
    /// sent even while a silence matches it when its firing was delivered (or is pending),
    /// so a delivered firing is always followed by a resolved.
    public var resolvedAfterSilence = true
    /// YAML `delivery.group_window`, default 0 (off): a new notification waits this long for
    /// others to the same channel, and all that arrived in the window go as one message.
    public var groupWindow: Duration = .zero

    public init(
        stateDirectory: String? = nil, criticalDeadline: Duration = .seconds(24 * 3600), warningDeadline: Duration = .seconds(6 * 3600),
        infoDeadline: Duration = .seconds(3600), retry: Backoff = Backoff()
    ) {
        self.stateDirectory = stateDirectory
        self.criticalDeadline = criticalDeadline
        self.warningDeadline = warningDeadline
        self.infoDeadline = infoDeadline
        self.retry = retry
    }

    /// The deadline of a notification of `severity`.
    public func deadline(for severity: Severity) -> Duration {
        switch severity {
        case .critical: criticalDeadline
        case .warning: warningDeadline
        case .info: infoDeadline
        }
    }
}
