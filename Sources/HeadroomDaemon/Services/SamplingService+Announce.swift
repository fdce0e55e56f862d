import HeadroomCollectors
import HeadroomCore
import Logging
import Synchronization

/// What the log says about the host, once and again only when it changes: each collector's
/// situation, the GPU drivers and GPUs, the container's limits.
extension SamplingService {
    /// Logs each collector's situation once, and again only when it changes: a kernel
    /// without PSI is one informative line with the remedy, not an error per sample.
    func announce(_ reports: [CollectorReport], samples: [Sample]) {
        // Compared as values: nothing is built per round while nothing changes. Rounds report
        // the collectors in the same order, so each is found at its position, not hashed.
        let (changed, firstRound) = state.withLock { state -> ([(CollectorReport, CollectorOutcome?)], Bool) in
            var changed: [(CollectorReport, CollectorOutcome?)] = []
            for (position, report) in reports.enumerated() {
                let index =
                    position < state.announced.count && state.announced[position].collector == report.collector
                    ? position : state.announced.firstIndex { $0.collector == report.collector }
                guard let index else {
                    changed.append((report, nil))
                    state.announced.append((report.collector, report.outcome))
                    continue
                }
                guard state.announced[index].outcome != report.outcome else { continue }
                changed.append((report, state.announced[index].outcome))
                state.announced[index].outcome = report.outcome
            }
            return (changed, state.rounds == 0)
        }
        for (report, previous) in changed {
            let metadata: Logger.Metadata = ["collector": "\(report.collector)"]
            switch report.outcome {
            case .ok:
                if previous != nil { logger.info("collector recovered", metadata: metadata) }
            case .unavailable(let reason):
                logger.info("collector unavailable on this host; its metrics are skipped: \(reason)", metadata: metadata)
            case .failed, .timedOut, .stillBusy:
                logger.warning("collector failed: \(report.reason ?? "unknown")", metadata: metadata)
            }
        }
        if firstRound { describeContainer(samples) }
        describeGPUs(samples)
    }

    /// Says once per change what each GPU driver shows: the driver version and the GPUs,
    /// or why the driver is unusable. Compared as values every round; the line is built only
    /// when they change (it was built, eight byte counts formatted, every round).
    func describeGPUs(_ samples: [Sample]) {
        for driver in samples where driver.isNamed("gpu_driver_up") {
            let vendor = driver.labels["vendor"] ?? "?"
            var shown = GPUAnnouncement(up: driver.value != 0, detail: driver.detail)
            if shown.up {
                for gpu in samples where gpu.isNamed("gpu_memory_total_bytes") {
                    guard gpu.labels["vendor"] == vendor, gpu.labels["gpu_instance"] == nil else { continue }
                    shown.gpus.append(.init(index: gpu.labels["gpu"] ?? "?", name: gpu.labels["name"] ?? "?", totalBytes: gpu.value))
                }
            }
            let isNew = state.withLock { state in
                defer { state.announcedGPUs[vendor] = shown }
                return state.announcedGPUs[vendor] != shown
            }
            guard isNew else { continue }
            let text = shown.text(vendor: vendor)
            if shown.up { logger.info("\(text)") } else { logger.warning("\(text)") }
        }
    }

    /// Says once what the container's limits are, or that there are none.
    func describeContainer(_ samples: [Sample]) {
        func value(_ name: String) -> Sample? { samples.first { $0.name == name } }
        guard let memoryLimited = value("container_memory_limited") else { return }
        let cgroup = memoryLimited.labels["cgroup"] ?? "?"
        let version = memoryLimited.labels["version"] ?? "?"
        var parts: [String] = []
        if memoryLimited.value == 0 {
            parts.append("memory: no limit set (usage is reported, not a percentage of a limit)")
        } else if let limit = value("container_memory_limit_bytes") {
            parts.append("memory limit \(MessageFormat.bytes(limit.value))")
        }
        if let cpuLimited = value("container_cpu_limited") {
            if cpuLimited.value == 0 {
                parts.append("cpu: no quota set")
            } else if let cores = value("container_cpu_limit_cores") {
                parts.append("cpu quota \(MessageFormat.number(cores.value, decimals: 2)) cores")
            }
        }
        logger.info("cgroup \(version) \(cgroup): \(parts.joined(separator: "; "))")
    }
}

/// What the log says about one vendor's GPU driver, as values.
struct GPUAnnouncement: Equatable {
    var up: Bool
    /// The driver's version when up, why it is unusable when not.
    var detail: String?
    var gpus: [GPU] = []

    struct GPU: Equatable {
        var index: String
        var name: String
        var totalBytes: Double
    }

    func text(vendor: String) -> String {
        guard up else { return "\(vendor) GPU driver unusable: \(detail ?? "?")" }
        let list = gpus.map { "GPU \($0.index) \($0.name) \(MessageFormat.bytes($0.totalBytes))" }
        let name = vendor == "nvidia" ? "NVIDIA" : vendor.uppercased()
        return "\(name) \(detail ?? "driver"): \(list.count) GPU\(list.count == 1 ? "" : "s")"
            + (list.isEmpty ? "" : " (\(list.joined(separator: ", ")))")
    }
}
