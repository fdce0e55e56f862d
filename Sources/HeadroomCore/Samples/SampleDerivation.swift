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
    /// The samples rules see for `current`: `leading` (the daemon's series counts), then
    /// per-collector `collector_up` / `collector_stalled` / `collector_duration_seconds` built
    /// from the collector reports, then its raw samples, then the rates derived from
    /// `previous` (none on the first round). Headroom's own health comes first so that at the
    /// series cap it is never what is refused. Built in one array: each part appended where it
    /// is made, not made in an array of its own and copied (a copy of a sample retains its
    /// name, labels and detail; the array it came from releases them again).
    public static func evaluationSamples(previous: HostSnapshot?, current: HostSnapshot, leading: [Sample] = []) -> [Sample] {
        var result = leading
        result.reserveCapacity(leading.count + 3 * current.collectors.count + current.samples.count + 8)
        appendCollectorSamples(current.collectors, to: &result)
        result += current.samples
        if let previous { appendDerived(previous: previous, current: current, to: &result) }
        return result
    }

    /// Rates and percentages from two consecutive snapshots.
    public static func derived(previous: HostSnapshot, current: HostSnapshot) -> [Sample] {
        var out: [Sample] = []
        appendDerived(previous: previous, current: current, to: &out)
        return out
    }

    private static func appendDerived(previous: HostSnapshot, current: HostSnapshot, to out: inout [Sample]) {
        let elapsed = current.time.timeIntervalSince(previous.time)
        guard elapsed > 0 else { return }
        var before = PreviousCounters(previous.samples)
        cpuPercentages(before: &before, current: current.samples, to: &out)
        containerCPU(before: &before, current: current.samples, elapsed: elapsed, to: &out)
    }

    /// The previous round's counter values. Collectors return their samples in the same order
    /// every round, so the sample at the same position is almost always the same series: one
    /// comparison of name and labels instead of hashing both. A table by series, built on the
    /// first miss, answers the rest.
    struct PreviousCounters {
        let samples: [Sample]
        private var byKey: [SeriesKey: Double]?

        init(_ samples: [Sample]) { self.samples = samples }

        /// The previous value of the counter `sample`, which sits at `position` in its round.
        mutating func value(of sample: Sample, at position: Int) -> Double? {
            if position < samples.count {
                let candidate = samples[position]
                if candidate.name == sample.name && candidate.labels == sample.labels {
                    return candidate.kind == .counter ? candidate.value : nil
                }
            }
            if byKey == nil {
                var table: [SeriesKey: Double] = [:]
                table.reserveCapacity(samples.count)
                for sample in samples where sample.kind == .counter { table[sample.key] = sample.value }
                byKey = table
            }
            return byKey?[sample.key]
        }
    }

    // MARK: - Host CPU

    /// Busy time excludes idle and iowait, as `top`, psutil and node_exporter-based
    /// dashboards count it; steal stays in busy (the guest could not run).
    private static func cpuPercentages(before: inout PreviousCounters, current: [Sample], to out: inout [Sample]) {
        struct Jiffies {
            var cpu: String
            var total = 0.0
            var idle = 0.0
            var iowait = 0.0
            var steal = 0.0
            var complete = true
        }
        // `/proc/stat` lists each CPU's modes together: an entry starts where the `cpu` label
        // changes, one comparison per sample and no table. A CPU listed again further on gets
        // a second entry, merged with its first once they are sorted (below).
        var entries: [Jiffies] = []
        for (position, sample) in current.enumerated() where sample.isNamed("cpu_seconds_total") {
            guard let cpu = sample.labels["cpu"], let mode = sample.labels["mode"] else { continue }
            if entries.last?.cpu != cpu { entries.append(Jiffies(cpu: cpu)) }
            let slot = entries.count - 1
            guard let old = before.value(of: sample, at: position), sample.value >= old else {
                entries[slot].complete = false
                continue
            }
            let delta = sample.value - old
            entries[slot].total += delta
            switch mode {
            case "idle": entries[slot].idle += delta
            case "iowait": entries[slot].iowait += delta
            case "steal": entries[slot].steal += delta
            default: break
            }
        }
        // By label, as the output goes ("all" comes last); a CPU listed twice ends up adjacent.
        entries.sort { $0.cpu < $1.cpu }
        var index = entries.startIndex
        while index < entries.endIndex {
            var entry = entries[index]
            index += 1
            while index < entries.endIndex, entries[index].cpu == entry.cpu {
                entry.total += entries[index].total
                entry.idle += entries[index].idle
                entry.iowait += entries[index].iowait
                entry.steal += entries[index].steal
                entry.complete = entry.complete && entries[index].complete
                index += 1
            }
            guard entry.complete, entry.total > 0 else { continue }
            let busy = clampPercent((entry.total - entry.idle - entry.iowait) / entry.total * 100)
            if entry.cpu == "all" {
                out.append(Sample("cpu_used_percent", .none, busy))
                out.append(Sample("cpu_iowait_percent", .none, clampPercent(entry.iowait / entry.total * 100)))
                out.append(Sample("cpu_steal_percent", .none, clampPercent(entry.steal / entry.total * 100)))
            } else {
                out.append(Sample("cpu_core_used_percent", ["cpu": entry.cpu], busy))
            }
        }
    }

    // MARK: - Container CPU

    /// Per container: cores used, percent of its limit, and percent of periods throttled.
    /// Containers come in the same order in each list, so the next container's limit and
    /// periods are looked for where the previous one's were found; no table is built.
    private static func containerCPU(before: inout PreviousCounters, current: [Sample], elapsed: Double, to out: inout [Sample]) {
        var limits: [(labels: Labels, value: Double)] = []
        var periods: [(labels: Labels, value: Double)] = []
        // The usage and throttling counters, by position, in the round's order.
        var rated: [(position: Int, isUsage: Bool)] = []
        for (position, sample) in current.enumerated() {
            if sample.isNamed("container_cpu_limit_cores") {
                limits.append((sample.labels, sample.value))
            } else if sample.isNamed("container_cpu_periods_total") {
                if let old = before.value(of: sample, at: position), sample.value >= old { periods.append((sample.labels, sample.value - old)) }
            } else if sample.isNamed("container_cpu_usage_seconds_total") {
                rated.append((position, true))
            } else if sample.isNamed("container_cpu_throttled_periods_total") {
                rated.append((position, false))
            }
        }
        /// The value for `labels`: at `next` when it is there, else the last with them.
        func value(for labels: Labels, in list: [(labels: Labels, value: Double)], next: inout Int) -> Double? {
            if next < list.count, list[next].labels == labels {
                next += 1
                return list[next - 1].value
            }
            guard let index = list.lastIndex(where: { $0.labels == labels }) else { return nil }
            next = index + 1
            return list[index].value
        }
        var nextLimit = 0
        var nextPeriods = 0
        for (position, isUsage) in rated {
            let sample = current[position]
            guard let old = before.value(of: sample, at: position), sample.value >= old else { continue }
            if isUsage {
                let cores = (sample.value - old) / elapsed
                out.append(Sample("container_cpu_used_cores", sample.labels, cores))
                if let limit = value(for: sample.labels, in: limits, next: &nextLimit), limit > 0 {
                    out.append(Sample("container_cpu_used_percent", sample.labels, max(0, cores / limit * 100)))
                }
            } else if let total = value(for: sample.labels, in: periods, next: &nextPeriods) {
                let throttled = sample.value - old
                out.append(Sample("container_cpu_throttled_percent", sample.labels, total > 0 ? clampPercent(throttled / total * 100) : 0))
            }
        }
    }

    // MARK: - Collector health

    private static func appendCollectorSamples(_ reports: [CollectorReport], to out: inout [Sample]) {
        for report in reports {
            if case .unavailable = report.outcome { continue }
            let labels: Labels = ["collector": report.collector]
            out.append(Sample("collector_up", labels, report.isFailure ? 0 : 1, detail: report.reason))
            out.append(Sample("collector_stalled", labels, report.isStall ? 1 : 0, detail: report.isStall ? report.reason : nil))
            out.append(Sample("collector_duration_seconds", labels, report.duration.headroomSeconds))
        }
    }

    private static func clampPercent(_ value: Double) -> Double {
        value.isFinite ? min(100, max(0, value)) : 0
    }
}
