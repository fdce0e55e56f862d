#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Turns raw readings into the values rules are written against.
///
/// Collectors return cumulative counters; percentages and rates need two snapshots
/// and the time between them. This is the only place that rate math happens, so it is
/// pure and tested without files. A counter that went backwards (a reset, a new
/// container) yields no rate for that round rather than a negative or huge one.
public enum SampleDerivation {
    /// The samples rules see for `current`: its raw samples, the rates derived from
    /// `previous` (none on the first round), and per-collector `collector_up` /
    /// `collector_duration_seconds` built from the collector reports.
    public static func evaluationSamples(previous: HostSnapshot?, current: HostSnapshot) -> [Sample] {
        var result = current.samples
        if let previous {
            result += derived(previous: previous, current: current)
        }
        result += collectorSamples(current.collectors)
        return result
    }

    /// Rates and percentages from two consecutive snapshots.
    public static func derived(previous: HostSnapshot, current: HostSnapshot) -> [Sample] {
        let elapsed = current.time.timeIntervalSince(previous.time)
        guard elapsed > 0 else { return [] }
        var before: [SeriesKey: Double] = [:]
        before.reserveCapacity(previous.samples.count)
        for sample in previous.samples where sample.kind == .counter {
            before[sample.key] = sample.value
        }
        var out: [Sample] = []
        out += cpuPercentages(before: before, current: current.samples)
        out += containerCPU(before: before, current: current.samples, elapsed: elapsed)
        return out
    }

    // MARK: - Host CPU

    /// Busy time excludes idle and iowait, as `top`, psutil and node_exporter-based
    /// dashboards count it; steal stays in busy (the guest could not run).
    private static func cpuPercentages(before: [SeriesKey: Double], current: [Sample]) -> [Sample] {
        struct Jiffies {
            var total = 0.0
            var idle = 0.0
            var iowait = 0.0
            var steal = 0.0
            var complete = true
        }
        var deltas: [String: Jiffies] = [:]
        for sample in current where sample.name == "cpu_seconds_total" {
            guard let cpu = sample.labels["cpu"], let mode = sample.labels["mode"] else { continue }
            var entry = deltas[cpu, default: Jiffies()]
            guard let old = before[sample.key], sample.value >= old else {
                entry.complete = false
                deltas[cpu] = entry
                continue
            }
            let delta = sample.value - old
            entry.total += delta
            switch mode {
            case "idle": entry.idle += delta
            case "iowait": entry.iowait += delta
            case "steal": entry.steal += delta
            default: break
            }
            deltas[cpu] = entry
        }
        var out: [Sample] = []
        for (cpu, entry) in deltas.sorted(by: { $0.key < $1.key }) where entry.complete && entry.total > 0 {
            let busy = clampPercent((entry.total - entry.idle - entry.iowait) / entry.total * 100)
            if cpu == "all" {
                out.append(Sample("cpu_used_percent", .none, busy))
                out.append(Sample("cpu_iowait_percent", .none, clampPercent(entry.iowait / entry.total * 100)))
                out.append(Sample("cpu_steal_percent", .none, clampPercent(entry.steal / entry.total * 100)))
            } else {
                out.append(Sample("cpu_core_used_percent", ["cpu": cpu], busy))
            }
        }
        return out
    }

    // MARK: - Container CPU

    private static func containerCPU(before: [SeriesKey: Double], current: [Sample], elapsed: Double) -> [Sample] {
        var limits: [Labels: Double] = [:]
        var periods: [Labels: Double] = [:]
        for sample in current {
            switch sample.name {
            case "container_cpu_limit_cores": limits[sample.labels] = sample.value
            case "container_cpu_periods_total":
                if let old = before[sample.key], sample.value >= old { periods[sample.labels] = sample.value - old }
            default: break
            }
        }
        var out: [Sample] = []
        for sample in current {
            switch sample.name {
            case "container_cpu_usage_seconds_total":
                guard let old = before[sample.key], sample.value >= old else { continue }
                let cores = (sample.value - old) / elapsed
                out.append(Sample("container_cpu_used_cores", sample.labels, cores))
                if let limit = limits[sample.labels], limit > 0 {
                    out.append(Sample("container_cpu_used_percent", sample.labels, max(0, cores / limit * 100)))
                }
            case "container_cpu_throttled_periods_total":
                guard let old = before[sample.key], sample.value >= old,
                    let total = periods[sample.labels]
                else { continue }
                let throttled = sample.value - old
                out.append(Sample("container_cpu_throttled_percent", sample.labels, total > 0 ? clampPercent(throttled / total * 100) : 0))
            default: break
            }
        }
        return out
    }

    // MARK: - Collector health

    private static func collectorSamples(_ reports: [CollectorReport]) -> [Sample] {
        var out: [Sample] = []
        for report in reports {
            if case .unavailable = report.outcome { continue }
            let labels: Labels = ["collector": report.collector]
            out.append(Sample("collector_up", labels, report.isFailure ? 0 : 1, detail: report.reason))
            out.append(Sample("collector_stalled", labels, report.isStall ? 1 : 0, detail: report.isStall ? report.reason : nil))
            out.append(Sample("collector_duration_seconds", labels, report.duration.headroomSeconds))
        }
        return out
    }

    private static func clampPercent(_ value: Double) -> Double {
        value.isFinite ? min(100, max(0, value)) : 0
    }
}
