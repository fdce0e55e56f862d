/// The Prometheus type of a metric family.
public enum MetricType: String, Sendable, Hashable {
    case gauge, counter, unknown
}

/// One metric family ready to print: a name, its help sentence, its type and its series.
public struct MetricFamily: Sendable, Hashable {
    /// The full exposed name (`headroom_gpu_memory_used_bytes`, `DCGM_FI_DEV_FB_USED`).
    public var name: String
    public var help: String
    public var type: MetricType
    public var series: [Series]

    /// One series of the family.
    public struct Series: Sendable, Hashable {
        public var labels: Labels
        public var value: Double
        public init(_ labels: Labels, _ value: Double) {
            self.labels = labels
            self.value = value
        }
    }

    public init(name: String, help: String, type: MetricType, series: [Series]) {
        self.name = name
        self.help = help
        self.type = type
        self.series = series
    }
}
