public import HeadroomCore

/// The points behind the sparklines, per series: either what the daemon's history answered,
/// or a ring of the values seen since `headroom top` started (when the daemon keeps no
/// history, or no daemon runs).
public struct TopHistory: Sendable, Hashable {
    /// A sparkline's series: the metric and, for a GPU series, the GPU.
    public struct Key: Sendable, Hashable {
        public var metric: String
        public var gpu: String?

        public init(_ metric: String, gpu: String? = nil) {
            self.metric = metric
            self.gpu = gpu
        }
    }

    /// The metrics drawn as sparklines.
    public static let metrics = ["gpu_memory_used_bytes", "gpu_utilization_percent", "cpu_used_percent", "memory_used_percent"]

    /// The most points kept per series in the ring (a day at one-second intervals is more;
    /// the oldest go first).
    public static let capacity = 20_000

    public private(set) var series: [Key: [TimedValue]]

    public init(series: [Key: [TimedValue]] = [:]) {
        self.series = series
    }

    public func points(_ key: Key) -> [TimedValue] { series[key] ?? [] }

    /// Appends this round's values of the sparkline metrics at `time`, and forgets points
    /// older than `keep` seconds before it.
    public mutating func record(_ samples: [Sample], at time: Double, keep: Double) {
        var seen: Set<Key> = []
        for sample in samples where Self.metrics.contains(sample.name) && sample.value.isFinite {
            if sample.name.hasPrefix("gpu_"), sample.labels["gpu"] == nil { continue }
            let key = Key(sample.name, gpu: sample.labels["gpu"])
            // One point per series and round: the first (the whole GPU, not a MIG instance).
            guard seen.insert(key).inserted else { continue }
            // Appended in place: a copy of the series (up to `capacity` points) each round otherwise.
            if let last = series[key]?.last, last.time >= time { continue }
            series[key, default: []].append(TimedValue(time: time, value: sample.value))
            if let count = series[key]?.count, count > Self.capacity { series[key]?.removeFirst(count - Self.capacity) }
        }
        for (key, points) in series {
            guard let first = points.first, first.time < time - keep else { continue }
            let kept = points.drop { $0.time < time - keep }
            series[key] = kept.isEmpty ? nil : Array(kept)
        }
    }

    /// Replaces one metric's series with a `query_range` answer (`PrometheusRange.parse`);
    /// points that are not finite numbers (a gap) are left out.
    public mutating func replace(metric: String, with answer: [PrometheusRange.Series]) {
        for key in series.keys where key.metric == metric { series[key] = nil }
        for entry in answer {
            if metric.hasPrefix("gpu_"), entry.labels["gpu"] == nil { continue }
            let key = Key(metric, gpu: entry.labels["gpu"])
            let points = entry.points.compactMap { point in
                point.value.isFinite ? TimedValue(time: Double(point.time) / 1000, value: point.value) : nil
            }
            if let existing = series[key], existing.count >= points.count { continue }
            series[key] = points
        }
    }

    /// This history (the daemon's) with the points of `recent` (the ring) that are newer than
    /// each series' last point, so a sparkline reaches the present between two queries.
    public func extended(with recent: TopHistory) -> TopHistory {
        var merged = series
        for (key, points) in recent.series {
            let last = merged[key]?.last?.time ?? -.infinity
            let newer = points.filter { $0.time > last }
            if !newer.isEmpty { merged[key, default: []] += newer }
        }
        return TopHistory(series: merged)
    }
}
