/// Reads cgroup v1 controllers (legacy hosts, and the v1 half of hybrid hosts).
///
/// A controller at its hierarchy's real root is the whole host: it has no limit (so
/// "not limited" is reported) and its usage is what the host collectors already report
/// (so it is not repeated as a container's).
enum CgroupV1 {
    static let memoryStatKeys: [StaticString] = ["total_inactive_file", "inactive_file"]
    static let oomControlKeys: [StaticString] = ["oom_kill"]
    static let cpuStatKeys: [StaticString] = ["nr_periods", "nr_throttled", "throttled_time"]

    /// `memory.usage_in_bytes`, `memory.limit_in_bytes`, `memory.stat`, `memory.oom_control`.
    static func readMemory(
        _ directory: CgroupLocation.Directory, hostMemoryTotal: Int64?, files: any SystemFiles,
        into reading: inout CgroupReading
    ) throws(CollectorError) {
        if directory.isHierarchyRoot {
            reading.memoryLimit = .unlimited
            return
        }
        let path = directory.path
        guard let usage = try CgroupFiles.read("memory.usage_in_bytes", in: path, files: files, CgroupFiles.count) else {
            if !files.exists(path) { reading.vanished = true }
            return
        }
        reading.memoryUsage = Double(usage)
        let limit = try CgroupFiles.read("memory.limit_in_bytes", in: path, files: files, CgroupFiles.count)
        reading.memoryLimit = .init(limit: limit, hostMemoryTotal: hostMemoryTotal)
        // total_inactive_file counts the whole sub-tree, as usage_in_bytes does (cAdvisor uses it too).
        if let stat = try CgroupFiles.read("memory.stat", in: path, files: files, keys: memoryStatKeys) {
            reading.inactiveFile = (stat[0] ?? stat[1]).map(Double.init)
        }
        // oom_kill appeared in Linux 4.13; older kernels only say under_oom.
        if let control = try CgroupFiles.read("memory.oom_control", in: path, files: files, keys: oomControlKeys) {
            reading.oomKills = control[0].map(Double.init)
        }
    }

    /// `cpuacct.usage` (ns) from cpuacct; quota, period and throttling from cpu.
    static func readCPU(
        cpu: CgroupLocation.Directory?, cpuacct: CgroupLocation.Directory?, files: any SystemFiles,
        into reading: inout CgroupReading
    ) throws(CollectorError) {
        if let cpuacct, !cpuacct.isHierarchyRoot {
            if let usage = try CgroupFiles.read("cpuacct.usage", in: cpuacct.path, files: files, CgroupFiles.count) {
                reading.cpuUsage = Double(usage) / 1e9
            } else if !files.exists(cpuacct.path) {
                reading.vanished = true
            }
        }
        guard let cpu else { return }
        if cpu.isHierarchyRoot {
            reading.cpuLimit = .unlimited
            return
        }
        switch try CgroupFiles.read("cpu.cfs_quota_us", in: cpu.path, files: files, CgroupFiles.quota) {
        case .none:
            // A kernel built without CONFIG_CFS_BANDWIDTH has no quota files: no quota can apply.
            if !files.exists(cpu.path) { reading.vanished = true }
            reading.cpuLimit = .unlimited
        case .some(.none):
            reading.cpuLimit = .unlimited
        case .some(.some(let quota)):
            // Without the period the quota cannot be turned into cores; say nothing rather than guess.
            if let period = try CgroupFiles.read("cpu.cfs_period_us", in: cpu.path, files: files, CgroupFiles.count), period > 0 {
                reading.cpuLimit = .init(quota: quota, period: period)
            }
        }
        if let stat = try CgroupFiles.read("cpu.stat", in: cpu.path, files: files, keys: cpuStatKeys) {
            reading.periods = stat[0].map(Double.init)
            reading.throttledPeriods = stat[1].map(Double.init)
            reading.throttledSeconds = stat[2].map { Double($0) / 1e9 }
        }
    }

    /// `pids.current` and `pids.max`.
    static func readPids(_ directory: CgroupLocation.Directory, files: any SystemFiles, into reading: inout CgroupReading) throws(CollectorError) {
        guard !directory.isHierarchyRoot else { return }
        try readPids(in: directory.path, files: files, into: &reading)
    }

    /// `pids.current` and `pids.max` in `path` (the same files on v1 and v2).
    static func readPids(in path: String, files: any SystemFiles, into reading: inout CgroupReading) throws(CollectorError) {
        guard let current = try CgroupFiles.read("pids.current", in: path, files: files, CgroupFiles.count) else { return }
        reading.pidsCurrent = Double(current)
        if let limit = try CgroupFiles.read("pids.max", in: path, files: files, CgroupFiles.limit), let limit {
            reading.pidsLimit = Double(limit)
        }
    }
}
