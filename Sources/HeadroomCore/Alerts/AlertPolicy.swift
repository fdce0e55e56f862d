/// Engine-wide alerting behaviour (YAML `alerting:`).
public struct AlertPolicy: Sendable, Hashable {
    /// Re-notify a still-firing alert this often (YAML `repeat_interval:`, default 30m; 0 disables).
    public var repeatInterval: Duration
    /// A series whose state changed more than `flapMaxChanges` times within `flapWindow`
    /// is reported once as flapping instead of once per change (YAML `flapping.window`, default 10m).
    public var flapWindow: Duration
    /// YAML `flapping.max_changes`, default 6 (3 fire/resolve cycles); 0 disables flap detection.
    public var flapMaxChanges: Int
    /// A firing `critical` suppresses the `warning` of the same family on the same series
    /// (YAML `inhibit:`, default true).
    public var inhibit: Bool
    /// A firing alert whose series has vanished resolves after this long without data
    /// (YAML `stale_after:`, default 5m).
    public var staleAfter: Duration
    /// The most series the engine tracks at once; samples of new series beyond it are refused
    /// and counted (YAML `limits.max_series`, default 50,000: eight GPUs with hundreds of
    /// processes and a few hundred cores use a few thousand).
    public var maxSeries: Int

    public init(
        repeatInterval: Duration = .seconds(1800),
        flapWindow: Duration = .seconds(600),
        flapMaxChanges: Int = 6,
        inhibit: Bool = true,
        staleAfter: Duration = .seconds(300),
        maxSeries: Int = 50_000
    ) {
        self.repeatInterval = repeatInterval
        self.flapWindow = flapWindow
        self.flapMaxChanges = flapMaxChanges
        self.inhibit = inhibit
        self.staleAfter = staleAfter
        self.maxSeries = maxSeries
    }
}

extension AlertPolicy {
    /// The policy's durations in seconds, converted once per round: `Duration`'s 128-bit
    /// arithmetic cost more than the decisions themselves on thousands of pairs.
    struct Limits {
        var repeatSeconds: Double
        var flapWindowSeconds: Double
        var flapMaxChanges: Int
        var staleAfterSeconds: Double

        init(_ policy: AlertPolicy) {
            repeatSeconds = policy.repeatInterval > .zero ? policy.repeatInterval.headroomSeconds : 0
            flapWindowSeconds = policy.flapWindow.headroomSeconds
            flapMaxChanges = policy.flapMaxChanges
            staleAfterSeconds = policy.staleAfter.headroomSeconds
        }
    }
}
