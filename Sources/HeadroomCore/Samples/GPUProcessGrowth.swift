#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// Says who holds a GPU's memory, in the detail of that GPU's memory series, so GPU
/// memory alerts read "… : pid 4242 python facefusion.py holds 18.2 GiB, +120.0 MiB/min".
///
/// Pure: fed every round's samples, their layout and the time; it keeps each process's
/// recent readings (over `window`, a `TrendWindow` each) to fit its growth, and forgets a
/// process once a round's layout no longer holds it.
///
/// Where the processes and their GPUs' memory series lie in a round is worked out once per
/// layout (`Plan`): a round in the layout of the one before reads its processes by
/// position, with no hashing of labels (it hashed every process's key and GPU three times a
/// round, and looked up every sample's name in a set).
public struct GPUProcessGrowth: Sendable {
    /// How far back growth is fitted.
    public var window: Double
    /// How many processes a message names.
    public var top: Int
    private var plan = Plan()

    /// The metrics whose detail names the top processes.
    public static let annotated: Set<String> = ["gpu_memory_used_percent", "gpu_memory_used_bytes", "gpu_memory_free_bytes"]
    static let processMetric = "gpu_process_memory_used_bytes"

    public init(window: Double = 300, top: Int = 3) {
        self.window = window
        self.top = top
    }

    /// Where a layout's processes and annotated series lie, and each process's window.
    private struct Plan: Sendable {
        /// The layout this plan is of (nil: none yet).
        var layout: SeriesLayout?
        var processes: [Process] = []
        /// Per GPU, in order of first appearance.
        var gpus: [GPU] = []

        struct GPU: Sendable {
            /// Its processes, as indices in `processes`.
            var processes: [Int] = []
            /// The positions of its memory series, which take the text.
            var targets: [Int] = []
            /// What the text last said, and the text: built again only when that changes (a
            /// GPU's processes mostly hold the same memory from one round to the next).
            var shown: [Shown] = []
            var text = ""
        }

        /// One process as a text names it.
        struct Shown: Equatable, Sendable {
            var process: Int
            var bytes: Double
            /// The growth per second, when it is large enough to be named.
            var rate: Double?
        }

        struct Process: Sendable {
            var position: Int
            var key: SeriesKey
            /// "pid 4242 python facefusion.py" and " (container 0b8f1c6e2d4a)": fixed by the labels.
            var name: String
            var container: String
            var points = TrendWindow()
            /// This round's bytes, and growth per second once it can be fitted.
            var bytes = 0.0
            var growth: Double?
        }

        /// The plan of `layout`, taking over the windows of processes `previous` tracked.
        init(layout: SeriesLayout, previous: Plan) {
            self.layout = layout
            let kept = Dictionary(previous.processes.map { ($0.key, $0.points) }, uniquingKeysWith: { first, _ in first })
            var gpuOf: [String: Int] = [:]
            for (position, key) in layout.keys.enumerated()
            where key.name == GPUProcessGrowth.processMetric {
                guard let uuid = key.labels["uuid"] else { continue }
                let gpu = gpuOf[uuid] ?? gpus.count
                if gpu == gpus.count {
                    gpuOf[uuid] = gpu
                    gpus.append(GPU())
                }
                gpus[gpu].processes.append(processes.count)
                let command = key.labels["command"].map { " " + $0 } ?? ""
                processes.append(
                    Process(
                        position: position, key: key, name: "pid \(key.labels["pid"] ?? "?")\(command)",
                        container: key.labels["container"].map { " (container \($0))" } ?? "",
                        points: kept[key] ?? TrendWindow()))
            }
            guard !gpus.isEmpty else { return }
            for (position, key) in layout.keys.enumerated() where GPUProcessGrowth.annotated.contains(key.name) {
                if let uuid = key.labels["uuid"], let gpu = gpuOf[uuid] { gpus[gpu].targets.append(position) }
            }
        }

        init() {}
    }

    /// Writes into the detail of every GPU memory series (that has none) who holds that GPU's
    /// memory. `layout` must be the samples' series in their order (`SeriesLayout.of`).
    public mutating func annotate(_ samples: inout [Sample], layout: SeriesLayout, at now: Date) {
        assert(layout.matches(samples), "a layout that is not the samples' series")
        if plan.layout !== layout { plan = Plan(layout: layout, previous: plan) }
        guard !plan.gpus.isEmpty else { return }
        let time = now.timeIntervalSinceReferenceDate
        for index in plan.processes.indices {
            let bytes = samples[plan.processes[index].position].value
            plan.processes[index].bytes = bytes
            plan.processes[index].growth = Self.record(&plan.processes[index].points, time: time, value: bytes, window: window)
        }
        for gpu in plan.gpus.indices where !plan.gpus[gpu].targets.isEmpty {
            let processes = plan.processes
            let shown = plan.gpus[gpu].processes.sorted { processes[$0].bytes > processes[$1].bytes }.prefix(top).map { index in
                Plan.Shown(
                    process: index, bytes: processes[index].bytes,
                    rate: processes[index].growth.flatMap { abs($0 * 60) >= 1024 * 1024 ? $0 : nil })
            }
            if shown != plan.gpus[gpu].shown {
                plan.gpus[gpu].shown = shown
                plan.gpus[gpu].text = shown.map { entry in
                    let process = plan.processes[entry.process]
                    var text = "\(process.name) holds \(MessageFormat.bytes(entry.bytes))"
                    if let rate = entry.rate { text += ", " + MessageFormat.ratePerMinute(rate, metric: Self.processMetric) }
                    return text + process.container
                }.joined(separator: "; ")
            }
            let text = plan.gpus[gpu].text
            for position in plan.gpus[gpu].targets where samples[position].detail == nil { samples[position].detail = text }
        }
    }

    /// A fall of more than this share of what a process held starts its window afresh.
    static let releasedShare = 0.1

    /// Adds a reading to a process's window; its growth per second once 30 s of it fit a line.
    /// A process that lets a tenth or more of its memory go (a job ending, a cache emptied)
    /// starts its window afresh at the fall: a fit across it would read as growth for up to
    /// `window` (a resolved message saying "holds 2.0 GiB, +20.7 GiB/min" right after 21 GiB
    /// were freed). Leak rules keep windows of their own; this one only words the detail.
    private static func record(_ points: inout TrendWindow, time: Double, value: Double, window: Double) -> Double? {
        if let last = points.values.last, value < last * (1 - releasedShare) { points = TrendWindow() }
        points.append(time: time, value: value, window: window)
        guard points.count >= 3, let fit = points.fit, fit.span >= 30 else { return nil }
        return fit.slope
    }
}
