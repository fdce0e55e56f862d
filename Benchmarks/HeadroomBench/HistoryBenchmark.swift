import Foundation
import HeadroomConfig
import HeadroomCore
import HeadroomHistory

/// The history store over a synthetic node day: 8 GPUs (memory, utilisation, temperature,
/// power, clocks, 2 processes each), host CPU per core, memory, load and PSI, a container's
/// cgroup; one round every 5 s, flushed every minute. Bytes per sample on disk, CPU per round
/// against a daemon round in the same run, and one series read back over the 24 h.
enum HistoryBenchmark {
    static func run() async {
        let baseline = await RoundBenchmark.cpuPerRound(rounds: 300)
        var rollupLine = "one-minute tier: not measured"
        print("")
        print("## History store: one node day at 5 s (\(Node.seriesCount) series, \(Node.rounds) rounds), flushed every minute")
        print(
            "| samples per chunk | bytes per sample on disk | CPU per round (append + flush) | vs a daemon round (\(micro(baseline))) | one series, 24 h read |"
        )
        print("|---|---|---|---|---|")
        for samplesPerChunk in [120, 360, 1440] {
            guard let result = try? day(samplesPerChunk: samplesPerChunk) else {
                print("| \(samplesPerChunk) | failed | | | |")
                continue
            }
            print(
                "| \(samplesPerChunk) | \(String(format: "%.2f", result.bytesPerSample)) | \(micro(result.cpuPerRound)) | "
                    + "\(String(format: "%.1f %%", result.cpuPerRound / baseline * 100)) | \(milli(result.read)) |")
            if samplesPerChunk == HistoryStore.defaultSamplesPerChunk {
                rollupLine = String(
                    format:
                        "one-minute tier: the whole day rolled up in %.2f s of CPU, %.1f bytes a series-minute on disk (min, max, mean, count and the last sample), %.1f%% of the raw day",
                    result.rollupCPU, result.bytesPerBucket, result.rollupShare * 100)
            }
        }
        print(rollupLine)
    }

    /// Seven node days recorded, then replayed through the embedded default rules as
    /// `headroom backtest` does (the local source, the daemon's engine).
    static func replay() async {
        print("")
        print("## Backtest: 7 node days at 5 s (\(Node.seriesCount) series, \(Node.rounds * 7) rounds) through the default rules")
        do {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headroom-bench-replay-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = directory.appendingPathComponent("history.db").path
            let store = try HistoryStore(path: path)
            var node = Node()
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            let rounds = Node.rounds * 7
            for round in 0..<rounds {
                try store.append(node.next(), at: start.addingTimeInterval(Double(round) * 5))
                if round % 12 == 11 { try store.flush() }
            }
            try store.flush()
            let configuration = try ConfigurationLoader.load(yaml: nil, source: "embedded default", environment: [:]).get().configuration
            let end = start.addingTimeInterval(Double(rounds) * 5)
            let reader = try HistoryStore(path: path)
            // The source alone: the rounds rebuilt from the file, handed to nobody.
            let sourceBefore = RoundBenchmark.processCPUSeconds()
            var rebuilt = 0
            try await HistoryReplaySource(store: reader).rounds(from: start, to: end) { _, samples in rebuilt += samples.count }
            let sourceCPU = RoundBenchmark.processCPUSeconds() - sourceBefore
            let cpuBefore = RoundBenchmark.processCPUSeconds()
            let wallBefore = ContinuousClock.now
            let reports = try await Backtest.run(
                [(configuration.rules, configuration.policy)], source: HistoryReplaySource(store: reader), from: start, to: end)
            let wall = ContinuousClock.now - wallBefore
            let cpu = RoundBenchmark.processCPUSeconds() - cpuBefore
            let firing = reports[0].rules.reduce(0) { $0 + ($1.notifications[.firing] ?? 0) }
            print("| rounds | samples | wall time | CPU time | per round | of which reading the file | firing notifications replayed | file |")
            print("|---|---|---|---|---|---|---|---|")
            print(
                "| \(rounds) | \(rebuilt) | \(String(format: "%.2f s", wall.headroomSeconds)) | "
                    + "\(String(format: "%.2f s", cpu)) | \(micro(cpu / Double(rounds))) | \(String(format: "%.2f s", sourceCPU)) | \(firing) | "
                    + "\(String(format: "%.1f MiB", Double(reader.fileBytes) / 1_048_576)) |")
        } catch {
            print("replay failed: \(error)")
        }
    }

    struct Result {
        var bytesPerSample: Double
        var cpuPerRound: Double
        var read: Double
        /// The day rolled up into the one-minute tier (every chunk aged out at once).
        var rollupCPU: Double
        var bytesPerBucket: Double
        var rollupShare: Double
    }

    static func day(samplesPerChunk: Int) throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headroom-bench-history-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try HistoryStore(path: directory.appendingPathComponent("history.db").path, samplesPerChunk: samplesPerChunk)
        var node = Node()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let cpuBefore = RoundBenchmark.processCPUSeconds()
        for round in 0..<Node.rounds {
            try store.append(node.next(), at: start.addingTimeInterval(Double(round) * 5))
            if round % 12 == 11 { try store.flush() }
        }
        try store.flush()
        let total = RoundBenchmark.processCPUSeconds() - cpuBefore
        // What making the synthetic rounds costs (labels, strings, random numbers) is the
        // benchmark's, not the store's: the same rounds made again without a store.
        var again = Node()
        let generationBefore = RoundBenchmark.processCPUSeconds()
        var sink = 0.0
        for _ in 0..<Node.rounds { sink += again.next().last?.value ?? 0 }
        let generation = RoundBenchmark.processCPUSeconds() - generationBefore
        precondition(sink.isFinite)
        let cpu = (total - generation) / Double(Node.rounds)
        let key = SeriesKey("gpu_memory_used_bytes", Labels(["gpu": "3"]))
        var reads = Timings()
        for _ in 0..<20 {
            reads.add(measure { _ = try? store.samples(of: key, from: .min, to: .max) })
        }
        let samples = Node.seriesCount * Node.rounds
        let rawBytes = store.fileBytes
        // Every chunk ages out at once, rolled up into the one-minute tier.
        let end = Int64(start.timeIntervalSince1970 * 1000) + Int64(Node.rounds) * 5000
        let rollupBefore = RoundBenchmark.processCPUSeconds()
        try store.prune(before: end + 1, maxBytes: .max, keepRollupsFrom: Int64(start.timeIntervalSince1970 * 1000))
        let rollupCPU = RoundBenchmark.processCPUSeconds() - rollupBefore
        let rolledBytes = store.fileBytes
        let minutes = Node.rounds * 5 / 60
        return Result(
            bytesPerSample: Double(rawBytes) / Double(samples), cpuPerRound: cpu, read: reads.median, rollupCPU: rollupCPU,
            bytesPerBucket: Double(rolledBytes) / Double(Node.seriesCount * minutes), rollupShare: Double(rolledBytes) / Double(rawBytes))
    }

    /// `headroom-bench --write-history-day PATH`: the synthetic node day, ending at `end`, as
    /// the daemon's history file (for the dashboard benchmark, `scripts/bench-dashboard.sh`).
    /// Process series carry the daemon's name and a command, as the NVML collector writes them.
    static func writeDay(to path: String, endingAt end: Date) throws {
        let store = try HistoryStore(path: path)
        var node = Node()
        let start = end.addingTimeInterval(-Double(Node.rounds) * 5)
        for round in 0..<Node.rounds {
            let samples = node.next().map { sample in
                guard sample.name == "gpu_process_memory_bytes" else { return sample }
                let pid = sample.labels["pid"] ?? ""
                return Sample(
                    "gpu_process_memory_used_bytes", sample.labels.adding("command", pid.hasSuffix("0") ? "python3 serve.py" : "ffmpeg"),
                    sample.value)
            }
            try store.append(samples, at: start.addingTimeInterval(Double(round) * 5))
            if round % 12 == 11 { try store.flush() }
        }
        try store.flush()
        print("wrote \(Node.rounds) rounds of \(Node.seriesCount) series to \(path) (\(store.fileBytes) bytes)")
    }

    /// The synthetic node: values that move as real ones do (integers that step, floats with
    /// noise in their last digits, counters-derived percentages). The per-core and host CPU,
    /// swap and container CPU percentages are uniform noise every round (harder than real CPU
    /// load, which is correlated from one round to the next); GPU utilisation and power too.
    struct Node {
        static let rounds = 17_280
        static let cores = 32
        static let seriesCount = 8 * 8 + 16 + cores + 12 + 10
        private var state = UInt64(0x1234_5678)
        private var memory = [Double](repeating: 8 * 1_073_741_824, count: 8)
        private var temperature = [Double](repeating: 55, count: 8)
        static let hostMemory = 512.0 * 1_073_741_824
        static let containerLimit = 64.0 * 1_073_741_824
        private var load = [12.0, 12.0, 12.0]
        private var available = 300.0 * 1_073_741_824
        private var containerMemory = 20.0 * 1_073_741_824
        private var pids = 40.0

        mutating func random() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }

        mutating func next() -> [Sample] {
            var samples: [Sample] = []
            samples.reserveCapacity(Self.seriesCount)
            for gpu in 0..<8 {
                let labels = Labels(["gpu": "\(gpu)"])
                if random() < 0.2 { memory[gpu] += (random() - 0.5) * 256 * 1_048_576 }
                memory[gpu] = (memory[gpu] / 1_048_576).rounded() * 1_048_576
                if random() < 0.1 { temperature[gpu] += random() < 0.5 ? -1 : 1 }
                let utilisation = (random() * 100).rounded()
                samples += [
                    Sample("gpu_memory_used_bytes", labels, memory[gpu]),
                    Sample("gpu_memory_total_bytes", labels, 24 * 1_073_741_824),
                    Sample("gpu_memory_used_percent", labels, memory[gpu] / (24 * 1_073_741_824) * 100),
                    Sample("gpu_utilization_percent", labels, utilisation),
                    Sample("gpu_temperature_celsius", labels, temperature[gpu]),
                    Sample("gpu_power_watts", labels, ((200 + random() * 100) * 1000).rounded() / 1000),
                    Sample("gpu_sm_clock_hertz", labels, utilisation > 10 ? 1_980_000_000 : 210_000_000),
                    Sample("gpu_up", labels, 1),
                ]
                for process in 0..<2 {
                    let share = process == 0 ? 0.8 : 0.2
                    samples.append(
                        Sample(
                            "gpu_process_memory_bytes", labels.adding("pid", "\(1000 + gpu * 2 + process)"),
                            (memory[gpu] * share / 1_048_576).rounded() * 1_048_576))
                }
            }
            for core in 0..<Self.cores {
                samples.append(Sample("cpu_core_used_percent", Labels(["cpu": "\(core)"]), random() * 100))
            }
            // As /proc reports them: load averages with two decimals (load5 and load15 smoothing
            // load1), available memory in whole KiB; a derived percentage, and two that are noise.
            load[0] = max(0, load[0] + (random() - 0.5) * 0.8)
            load[1] += (load[0] - load[1]) / 60
            load[2] += (load[0] - load[2]) / 180
            available = max(0, available + ((random() - 0.5) * 128 * 1024).rounded() * 1024)
            samples += [
                Sample("cpu_used_percent", .none, random() * 100),
                Sample("memory_used_percent", .none, (1 - available / Self.hostMemory) * 100),
                Sample("memory_available_bytes", .none, available),
                Sample("load1", .none, (load[0] * 100).rounded() / 100),
                Sample("load5", .none, (load[1] * 100).rounded() / 100),
                Sample("load15", .none, (load[2] * 100).rounded() / 100),
                Sample("swap_used_percent", .none, random() * 100),
            ]
            for kind in ["cpu", "memory", "io", "irq", "cpu_full"] {
                samples.append(Sample("pressure_avg10_percent", Labels(["resource": kind]), (random() * 5 * 100).rounded() / 100))
            }
            // A container's cgroup: memory in whole 4 KiB pages moving a little each round, its
            // limit, the derived percentage, CPU percentages that are noise, a few processes.
            containerMemory = min(Self.containerLimit, max(0, containerMemory + ((random() - 0.5) * 4096).rounded() * 4096))
            if random() < 0.05 { pids = max(1, pids + (random() < 0.5 ? -1 : 1)) }
            samples += [
                Sample("container_memory_used_bytes", .none, containerMemory),
                Sample("container_memory_limit_bytes", .none, Self.containerLimit),
                Sample("container_memory_used_percent", .none, containerMemory / Self.containerLimit * 100),
                Sample("container_oom_kills_total", .none, 0),
                Sample("container_cpu_used_percent", .none, random() * 400),
                Sample("container_cpu_throttled_percent", .none, random() * 10),
                Sample("container_pids", .none, pids),
                Sample("container_memory_cache_bytes", .none, (containerMemory * 0.3 / 4096).rounded() * 4096),
                Sample("container_memory_rss_bytes", .none, (containerMemory * 0.7 / 4096).rounded() * 4096),
                Sample("container_swap_bytes", .none, 0),
            ]
            return samples
        }
    }
}
