#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// Finds incidents in consecutive rounds of samples: a counter of one rising, or a GPU
/// falling from answering to lost. Pure and fed the same way live (the daemon's history
/// recorder) and in a replay (a backtest over a Prometheus-API source, where only the
/// counters are known), so both see the same incidents.
///
/// A series that misses rounds (a collector that timed out, a step with no point in a range
/// query) keeps its last value as the baseline, so a counter that rose meanwhile is still an
/// incident when the series comes back. Memory: one value per series of the incident metrics
/// seen in the last `forgetAfter` seconds; a series gone longer is forgotten (its next value
/// is a new baseline).
public struct IncidentDetector: Sendable {
    /// The metric each incident is read from, and whether it is a counter that rises (or a
    /// gauge that falls from 1 to 0).
    static let sources: [String: (incident: HistoryEvent.Incident, rises: Bool)] = [
        "container_oom_kills_total": (.containerOOMKill, true),
        "child_crashes_total": (.childCrashed, true),
        "child_cuda_oom_total": (.cudaOutOfMemory, true),
        "gpu_up": (.gpuLost, false),
        "gpu_xid_errors_total": (.gpuXid, true),
    ]

    private var previous: [SeriesKey: (value: Double, seen: Date)] = [:]
    /// How long a series' last value is kept while the series is absent (the daemon passes
    /// `alerting.stale_after`).
    public let forgetAfter: TimeInterval

    public init(forgetAfter: TimeInterval = 300) {
        self.forgetAfter = forgetAfter
    }

    /// Whether incidents are read from `metric` (the history keeps only those samples whole).
    public static func reads(_ metric: String) -> Bool { sources[metric] != nil }

    /// The names of the metrics incidents are read from (what a replay must fetch).
    public static var metricNames: [String] { sources.keys.sorted() }

    /// The incidents `samples`, taken at `time`, show against the previous round.
    public mutating func observe(_ samples: [Sample], at time: Date) -> [HistoryEvent] {
        var events: [HistoryEvent] = []
        var seen = 0
        for sample in samples {
            guard let source = Self.sources[sample.name], !sample.value.isNaN else { continue }
            if sample.name == "gpu_xid_errors_total", sample.labels["class"] != "hardware" { continue }
            let key = sample.key
            let before = previous.updateValue((sample.value, time), forKey: key)?.value
            seen += 1
            guard let before else { continue }
            if source.rises, sample.value > before {
                let count = sample.value - before
                let detail = sample.detail ?? "\(sample.name) rose by \(Self.format(count))"
                events.append(.incident(source.incident, at: time, labels: sample.labels, detail: detail))
            } else if !source.rises, before >= 1, sample.value < 1 {
                events.append(.incident(source.incident, at: time, labels: sample.labels, detail: sample.detail ?? "the GPU stopped answering"))
            }
        }
        if previous.count > seen { previous = previous.filter { time.timeIntervalSince($0.value.seen) <= forgetAfter } }
        return events
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
