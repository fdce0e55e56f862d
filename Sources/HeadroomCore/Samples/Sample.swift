/// Whether a sample is a point-in-time value or a cumulative counter.
public enum SampleKind: Sendable, Hashable {
    /// A value that can go up and down (bytes used, percent, temperature).
    case gauge
    /// A cumulative count since some origin (CPU seconds, OOM kills); only deltas mean anything.
    case counter
}

/// Identifies one series: a metric name plus its labels.
public struct SeriesKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var name: String
    public var labels: Labels

    public init(_ name: String, _ labels: Labels = .none) {
        self.name = name
        self.labels = labels
    }

    public var description: String { name + labels.description }

    public static func < (lhs: SeriesKey, rhs: SeriesKey) -> Bool {
        lhs.name != rhs.name ? lhs.name < rhs.name : lhs.labels < rhs.labels
    }
}

/// One reading of one series, as a collector returns it or the core derives it.
///
/// Metric names are Prometheus-style `snake_case` with a unit suffix
/// (`memory_available_bytes`, `cpu_used_percent`, `container_oom_kills_total`);
/// exporters add the `headroom_` prefix.
public struct Sample: Sendable, Hashable {
    public var name: String
    public var labels: Labels
    public var value: Double
    public var kind: SampleKind
    /// Free text that travels with the value but is not part of the series identity,
    /// e.g. why a collector failed. Alert messages can show it.
    public var detail: String?

    public init(_ name: String, _ labels: Labels = .none, _ value: Double, kind: SampleKind = .gauge, detail: String? = nil) {
        self.name = name
        self.labels = labels
        self.value = value
        self.kind = kind
        self.detail = detail
    }

    /// The series this sample belongs to.
    public var key: SeriesKey { SeriesKey(name, labels) }

    /// Whether the sample's metric is `metric`. Metric names are ASCII (Prometheus' rules),
    /// so names of different lengths differ: most mismatches are found without comparing
    /// bytes, which a round does a few hundred times.
    @inlinable public func isNamed(_ metric: String) -> Bool {
        name.utf8.count == metric.utf8.count && name == metric
    }
}
