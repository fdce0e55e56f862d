public import HeadroomCore
import Synchronization

/// The container's own cgroup (v2, or v1 on legacy and hybrid hosts): memory against its
/// limit, OOM kills, CPU against its quota, throttling, pids.
///
/// Samples carry `cgroup` (the path as this process sees it) and `version` labels.
/// Without a limit, `container_memory_limited` / `container_cpu_limited` are 0 and no
/// percentage is reported: a percentage of "unlimited" means nothing.
public final class CgroupCollector: Collector {
    public let name = "cgroup"
    private let files: any SystemFiles
    private let override: String?
    private let cached = Mutex<CgroupLocation?>(nil)

    public init(files: any SystemFiles, cgroupPath: String? = nil) {
        self.files = files
        self.override = cgroupPath
    }

    public func collect() throws(CollectorError) -> [Sample] {
        let location = try currentLocation()
        do {
            return try read(location)
        } catch {
            // The cgroup may have moved or been recreated: rediscover once.
            cached.withLock { $0 = nil }
            return try read(try currentLocation())
        }
    }

    private func currentLocation() throws(CollectorError) -> CgroupLocation {
        if let location = cached.withLock({ $0 }) { return location }
        let location = try CgroupDiscovery.locate(files: files, override: override)
        cached.withLock { $0 = location }
        return location
    }

    private func read(_ location: CgroupLocation) throws(CollectorError) -> [Sample] {
        let labels = Labels([("cgroup", location.path), ("version", location.version)])
        var reading = location.version == "v1" ? try readV1(location) : try readV2(location)
        reading.labels = labels
        guard reading.hasAnything else {
            throw .unavailable("this process runs in the root cgroup (\(location.version)), not in a limited container; the host metrics cover it")
        }
        return reading.samples()
    }

    // MARK: - v2

    private func readV2(_ location: CgroupLocation) throws(CollectorError) -> CgroupReading {
        var reading = CgroupReading()
        guard let directory = location.unified else { return reading }
        // The real root cgroup has no cgroup.type and no memory.current: nothing of its own to report.
        guard !location.unifiedIsHostLevel else { return reading }
        if let current = try number(directory + "/memory.current") {
            reading.memoryUsage = Double(current)
            // "max" and a missing file both mean no limit.
            reading.memoryLimit = try number(directory + "/memory.max").map { .bytes(Double($0)) } ?? .unlimited
            if let bytes = try files.read(directory + "/memory.stat") {
                reading.inactiveFile = try CgroupFiles.values(bytes, keys: ["inactive_file"], path: files.describe(directory + "/memory.stat"))[0].map { Double($0) }
            }
            if let events = try keyed(directory + "/memory.events") {
                reading.oomKills = events["oom_kill"].map { Double($0) }
                reading.oomEvents = events["oom"].map { Double($0) }
                reading.highEvents = events["high"].map { Double($0) }
                reading.maxEvents = events["max"].map { Double($0) }
            }
        }
        if let stat = try keyed(directory + "/cpu.stat") {
            reading.cpuUsage = stat["usage_usec"].map { Double($0) / 1e6 }
            reading.periods = stat["nr_periods"].map { Double($0) }
            reading.throttledPeriods = stat["nr_throttled"].map { Double($0) }
            reading.throttledSeconds = stat["throttled_usec"].map { Double($0) / 1e6 }
        }
        if let bytes = try files.read(directory + "/cpu.max") {
            let (quota, period) = try CgroupFiles.cpuMax(bytes, path: files.describe(directory + "/cpu.max"))
            reading.cpuLimit = quota.map { .cores(Double($0) / Double(period)) } ?? .unlimited
        } else if reading.cpuUsage != nil {
            reading.cpuLimit = .unlimited
        }
        try readPids(directory, into: &reading)
        return reading
    }

    // MARK: - v1

    private func readV1(_ location: CgroupLocation) throws(CollectorError) -> CgroupReading {
        var reading = CgroupReading()
        // A controller at the hierarchy root is the whole host, not a container.
        if let memory = location.controllers["memory"], !location.hostLevelControllers.contains("memory") {
            if let usage = try number(memory + "/memory.usage_in_bytes") {
                reading.memoryUsage = Double(usage)
                if let limit = try number(memory + "/memory.limit_in_bytes") {
                    reading.memoryLimit = limit >= CgroupFiles.unlimitedThreshold || limit <= 0 ? .unlimited : .bytes(Double(limit))
                }
                if let bytes = try files.read(memory + "/memory.stat") {
                    let found = try CgroupFiles.values(bytes, keys: ["total_inactive_file", "inactive_file"], path: files.describe(memory + "/memory.stat"))
                    reading.inactiveFile = (found[0] ?? found[1]).map { Double($0) }
                }
                if let control = try keyed(memory + "/memory.oom_control") {
                    reading.oomKills = control["oom_kill"].map { Double($0) }
                }
            }
        }
        let cpuDirectory = location.controllers["cpu"]
        if let cpuacct = location.controllers["cpuacct"], !location.hostLevelControllers.contains("cpuacct"),
           let usage = try number(cpuacct + "/cpuacct.usage") {
            reading.cpuUsage = Double(usage) / 1e9
        }
        if let cpu = cpuDirectory, !location.hostLevelControllers.contains("cpu") {
            if let quota = try number(cpu + "/cpu.cfs_quota_us") {
                if quota > 0, let period = try number(cpu + "/cpu.cfs_period_us"), period > 0 {
                    reading.cpuLimit = .cores(Double(quota) / Double(period))
                } else {
                    reading.cpuLimit = .unlimited
                }
            }
            if let stat = try keyed(cpu + "/cpu.stat") {
                reading.periods = stat["nr_periods"].map { Double($0) }
                reading.throttledPeriods = stat["nr_throttled"].map { Double($0) }
                reading.throttledSeconds = stat["throttled_time"].map { Double($0) / 1e9 }
            }
        } else if reading.cpuUsage != nil {
            reading.cpuLimit = .unlimited
        }
        if let pids = location.controllers["pids"], !location.hostLevelControllers.contains("pids") {
            try readPids(pids, into: &reading)
        }
        return reading
    }


    private func readPids(_ directory: String, into reading: inout CgroupReading) throws(CollectorError) {
        if let current = try number(directory + "/pids.current") {
            reading.pidsCurrent = Double(current)
            if let limit = try number(directory + "/pids.max") { reading.pidsLimit = Double(limit) }
        }
    }

    // MARK: - File helpers

    private func number(_ path: String) throws(CollectorError) -> Int64? {
        guard let bytes = try files.read(path) else { return nil }
        return try CgroupFiles.number(bytes, path: files.describe(path))
    }

    private func keyed(_ path: String) throws(CollectorError) -> [String: UInt64]? {
        guard let bytes = try files.read(path) else { return nil }
        return try CgroupFiles.keyed(bytes, path: files.describe(path))
    }
}

/// What was read from one cgroup, before it becomes samples (pure).
public struct CgroupReading: Sendable, Hashable {
    public enum MemoryLimit: Sendable, Hashable { case unlimited, bytes(Double) }
    public enum CPULimit: Sendable, Hashable { case unlimited, cores(Double) }

    public var labels: Labels = .none
    public var memoryUsage: Double?
    public var memoryLimit: MemoryLimit?
    public var inactiveFile: Double?
    public var oomKills: Double?
    public var oomEvents: Double?
    public var highEvents: Double?
    public var maxEvents: Double?
    public var cpuUsage: Double?
    public var cpuLimit: CPULimit?
    public var periods: Double?
    public var throttledPeriods: Double?
    public var throttledSeconds: Double?
    public var pidsCurrent: Double?
    public var pidsLimit: Double?

    public init() {}

    var hasAnything: Bool { memoryUsage != nil || cpuUsage != nil || cpuLimit != nil || pidsCurrent != nil }

    /// The samples, following cAdvisor: working set = usage − inactive file (never negative).
    public func samples() -> [Sample] {
        var out: [Sample] = []
        func gauge(_ name: String, _ value: Double?) { if let value { out.append(Sample(name, labels, value)) } }
        func counter(_ name: String, _ value: Double?) { if let value { out.append(Sample(name, labels, value, kind: .counter)) } }
        if let usage = memoryUsage {
            let workingSet = max(0, usage - (inactiveFile ?? 0))
            gauge("container_memory_usage_bytes", usage)
            gauge("container_memory_working_set_bytes", workingSet)
            switch memoryLimit {
            case .bytes(let limit):
                gauge("container_memory_limited", 1)
                gauge("container_memory_limit_bytes", limit)
                gauge("container_memory_used_percent", limit > 0 ? workingSet / limit * 100 : 0)
            case .unlimited, nil:
                gauge("container_memory_limited", 0)
            }
        }
        counter("container_oom_kills_total", oomKills)
        counter("container_oom_events_total", oomEvents)
        counter("container_memory_high_events_total", highEvents)
        counter("container_memory_max_events_total", maxEvents)
        counter("container_cpu_usage_seconds_total", cpuUsage)
        switch cpuLimit {
        case .cores(let cores):
            gauge("container_cpu_limited", 1)
            gauge("container_cpu_limit_cores", cores)
        case .unlimited:
            gauge("container_cpu_limited", 0)
        case nil:
            break
        }
        counter("container_cpu_periods_total", periods)
        counter("container_cpu_throttled_periods_total", throttledPeriods)
        counter("container_cpu_throttled_seconds_total", throttledSeconds)
        gauge("container_pids_current", pidsCurrent)
        gauge("container_pids_limit", pidsLimit)
        return out
    }
}
