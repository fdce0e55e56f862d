/// What makes a sample count as a breach.
public enum Condition: Sendable, Hashable {
    /// value > threshold (YAML `above:`).
    case above(Double)
    /// value ≥ threshold (YAML `at_least:`).
    case atLeast(Double)
    /// value < threshold (YAML `below:`).
    case below(Double)
    /// value ≤ threshold (YAML `at_most:`).
    case atMost(Double)
    /// A counter went up since the previous sample (YAML `increases: true`).
    case increases
    /// A least-squares fit predicts exhaustion soon (YAML `trend:`).
    case trend(TrendCondition)

    /// The threshold the condition compares with, if it has one.
    public var threshold: Double? {
        switch self {
        case .above(let value), .atLeast(let value), .below(let value), .atMost(let value): value
        case .increases, .trend: nil
        }
    }

    /// What a condition compares: a threshold, a counter's increase, or a fitted trend.
    public enum Kind: Sendable, Hashable {
        case threshold, increases, trend
    }

    public var kind: Kind {
        switch self {
        case .above, .atLeast, .below, .atMost: .threshold
        case .increases: .increases
        case .trend: .trend
        }
    }

    /// True for conditions that breach on high values.
    public var isUpward: Bool {
        switch self {
        case .above, .atLeast, .increases, .trend: true
        case .below, .atMost: false
        }
    }

    /// The comparison symbol used in messages (`>`, `≥`, `<`, `≤`).
    public var symbol: String {
        switch self {
        case .above: ">"
        case .atLeast: "≥"
        case .below: "<"
        case .atMost: "≤"
        case .increases: "increased"
        case .trend: "trend"
        }
    }
}

/// How long a condition must hold before the alert fires.
public enum HoldPolicy: Sendable, Hashable {
    /// Fires on the first breaching sample.
    case immediately
    /// Fires at the first sample at which the condition has held continuously for this long (YAML `for:`).
    case duration(Duration)
    /// Fires on the N-th consecutive breaching sample (YAML `samples: N`).
    case consecutiveSamples(Int)
    /// Fires once N of the last M samples breached (YAML `within: {samples: N, of: M}`).
    case within(samples: Int, of: Int)
}

/// A leak detector: fit `usage` against time over a window and predict when it reaches capacity.
public struct TrendCondition: Sendable, Hashable {
    /// Where the capacity comes from.
    public enum Capacity: Sendable, Hashable {
        /// A fixed number in the metric's unit (e.g. 100 for a percent metric).
        case fixed(Double)
        /// Another metric with the same labels (e.g. `memory_total_bytes`).
        case metric(String)
    }
    public var capacity: Capacity
    /// How far back the fit looks (YAML `window:`, default 10m).
    public var window: Duration
    /// Fires when the predicted time to exhaustion is below this (YAML `exhaustion_within:`, default 30m).
    public var exhaustionWithin: Duration
    /// Minimum coefficient of determination for the fit to count (YAML `min_r2:`, default 0.8).
    public var minimumR2: Double
    /// Minimum number of points in the window before predicting (YAML `min_samples:`, default 6).
    public var minimumSamples: Int

    public init(
        capacity: Capacity,
        window: Duration = .seconds(600),
        exhaustionWithin: Duration = .seconds(1800),
        minimumR2: Double = 0.8,
        minimumSamples: Int = 6
    ) {
        self.capacity = capacity
        self.window = window
        self.exhaustionWithin = exhaustionWithin
        self.minimumR2 = minimumR2
        self.minimumSamples = minimumSamples
    }
}

/// One alert rule: which series, what counts as a breach, for how long, how loud.
/// Rules are data: the engine (`AlertEngine`) evaluates them per series.
public struct AlertRule: Sendable, Hashable {
    /// Unique name; the alert's identity together with the series labels (YAML `name:`).
    public var name: String
    /// Which series the rule watches (YAML `metric:`, plus `labels:` matchers).
    public var selector: MetricSelector
    public var condition: Condition
    /// YAML `for:` / `samples:` / `within:`; default `.immediately`.
    public var hold: HoldPolicy
    /// Hysteresis: once firing, resolve only when the value passes back beyond this (YAML `clear:`).
    public var clear: Double?
    /// Keep firing this long after the condition stops holding (YAML `keep_firing_for:`).
    public var keepFiringFor: Duration
    public var severity: Severity
    /// Rules of one family on one series inhibit each other: the firing one with the
    /// highest severity wins (YAML `family:`, default: the metric name).
    public var family: String
    /// Message template (YAML `summary:`); nil uses the built-in wording.
    /// Placeholders: `{value}`, `{threshold}`, `{metric}`, `{rule}`, `{severity}`, `{for}`,
    /// `{peak}`, `{labels}`, `{label:NAME}`, `{detail}`, `{slope}`, `{eta}`.
    public var summary: String?
    /// While an alert of this rule fires, the readiness endpoint (`/readyz`) answers 503 so a
    /// load balancer or Kubernetes sheds new work (YAML `gate:`, default false).
    public var gate: Bool

    public init(
        name: String,
        selector: MetricSelector,
        condition: Condition,
        hold: HoldPolicy = .immediately,
        clear: Double? = nil,
        keepFiringFor: Duration = .zero,
        severity: Severity = .warning,
        family: String? = nil,
        summary: String? = nil,
        gate: Bool = false
    ) {
        self.name = name
        self.selector = selector
        self.condition = condition
        self.hold = hold
        self.clear = clear
        self.keepFiringFor = keepFiringFor
        self.severity = severity
        self.family = family ?? selector.metric
        self.summary = summary
        self.gate = gate
    }
}
