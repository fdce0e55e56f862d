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
/// Memory: one value per series of the incident metrics present in the latest round; a
/// series that is absent from a round is forgotten (its next value is a new baseline).
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

    private var previous: [SeriesKey: Double] = [:]

    public init() {}

    /// The names of the metrics incidents are read from (what a replay must fetch).
    public static var metricNames: [String] { sources.keys.sorted() }

    /// The incidents `samples`, taken at `time`, show against the previous round.
    public mutating func observe(_ samples: [Sample], at time: Date) -> [HistoryEvent] {
        var current: [SeriesKey: Double] = [:]
        var events: [HistoryEvent] = []
        for sample in samples {
            guard let source = Self.sources[sample.name], !sample.value.isNaN else { continue }
            if sample.name == "gpu_xid_errors_total", sample.labels["class"] != "hardware" { continue }
            let key = sample.key
            current[key] = sample.value
            guard let before = previous[key] else { continue }
            if source.rises, sample.value > before {
                let count = sample.value - before
                let detail = sample.detail ?? "\(sample.name) rose by \(Self.format(count))"
                events.append(.incident(source.incident, at: time, labels: sample.labels, detail: detail))
            } else if !source.rises, before >= 1, sample.value < 1 {
                events.append(.incident(source.incident, at: time, labels: sample.labels, detail: sample.detail ?? "the GPU stopped answering"))
            }
        }
        previous = current
        return events
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
