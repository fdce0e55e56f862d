#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// Says who holds a GPU's memory, in the detail of that GPU's memory series, so GPU
/// memory alerts read "… : pid 4242 python facefusion.py holds 18.2 GiB, +120.0 MiB/min".
///
/// Pure: fed every round's samples and time; it keeps each process's recent readings
/// (over `window`, a `TrendWindow` each) to fit its growth, and forgets processes that are gone.
public struct GPUProcessGrowth: Sendable {
    /// How far back growth is fitted.
    public var window: Double
    /// How many processes a message names.
    public var top: Int
    private var history: [SeriesKey: TrendWindow] = [:]

    /// The metrics whose detail names the top processes.
    public static let annotated: Set<String> = ["gpu_memory_used_percent", "gpu_memory_used_bytes", "gpu_memory_free_bytes"]

    public init(window: Double = 300, top: Int = 3) {
        self.window = window
        self.top = top
    }

    /// `samples` with the memory series of every GPU that has processes annotated.
    public mutating func annotate(_ samples: [Sample], at now: Date) -> [Sample] {
        let time = now.timeIntervalSinceReferenceDate
        var byGPU: [String: [(sample: Sample, growth: Double?)]] = [:]
        var seen: Set<SeriesKey> = []
        for sample in samples where sample.isNamed("gpu_process_memory_used_bytes") {
            guard let uuid = sample.labels["uuid"] else { continue }
            let key = sample.key
            seen.insert(key)
            // In place, one lookup: copied out and back, the points were copied whole every round.
            let growth = Self.record(&history[key, default: TrendWindow()], time: time, value: sample.value, window: window)
            byGPU[uuid, default: []].append((sample, growth))
        }
        if history.count > seen.count { history = history.filter { seen.contains($0.key) } }
        guard !byGPU.isEmpty else { return samples }

        var texts: [String: String] = [:]
        for (uuid, processes) in byGPU {
            let ranked = processes.sorted { $0.sample.value > $1.sample.value }.prefix(top)
            texts[uuid] = ranked.map { entry in
                let pid = entry.sample.labels["pid"] ?? "?"
                let command = entry.sample.labels["command"].map { " " + $0 } ?? ""
                var text = "pid \(pid)\(command) holds \(MessageFormat.bytes(entry.sample.value))"
                if let growth = entry.growth, abs(growth * 60) >= 1024 * 1024 {
                    text += ", " + MessageFormat.ratePerMinute(growth, metric: "gpu_process_memory_used_bytes")
                }
                if let container = entry.sample.labels["container"] { text += " (container \(container))" }
                return text
            }.joined(separator: "; ")
        }
        return samples.map { sample in
            guard Self.annotated.contains(sample.name), sample.detail == nil, let uuid = sample.labels["uuid"],
                let text = texts[uuid]
            else { return sample }
            var annotated = sample
            annotated.detail = text
            return annotated
        }
    }

    /// Adds a reading to a process's window; its growth per second once 30 s of it fit a line.
    private static func record(_ points: inout TrendWindow, time: Double, value: Double, window: Double) -> Double? {
        points.append(time: time, value: value, window: window)
        guard points.count >= 3, let fit = points.fit, fit.span >= 30 else { return nil }
        return fit.slope
    }
}
