/// Reads a cgroup v2 (unified) directory.
///
/// The real root cgroup is the whole host: it has no `memory.current`, `memory.max` or
/// `cpu.max`, so it is reported as not limited, and its usage is left to the host collectors.
enum CgroupV2 {
    static let memoryStatKeys: [StaticString] = ["inactive_file"]
    static let memoryEventsKeys: [StaticString] = ["oom", "oom_kill", "high", "max"]
    static let cpuStatKeys: [StaticString] = ["usage_usec", "nr_periods", "nr_throttled", "throttled_usec"]

    /// The resources to read from the v2 directory: those no v1 controller provides.
    struct Resources {
        var memory: Bool
        var cpu: Bool
        var pids: Bool
    }

    static func read(
        _ directory: CgroupLocation.Directory, resources: Resources, hostMemoryTotal: Int64?,
        files: any SystemFiles, into reading: inout CgroupReading
    ) throws(CollectorError) {
        if directory.isHierarchyRoot {
            if resources.memory { reading.memoryLimit = .unlimited }
            if resources.cpu { reading.cpuLimit = .unlimited }
            return
        }
        let path = directory.path
        if resources.memory {
            try readMemory(path, hostMemoryTotal: hostMemoryTotal, files: files, into: &reading)
        }
        if resources.cpu {
            try readCPU(path, files: files, into: &reading)
        }
        if resources.pids {
            try CgroupV1.readPids(in: path, files: files, into: &reading)
        }
    }

    /// `memory.current`, `memory.max`, `memory.stat`, `memory.events`.
    private static func readMemory(
        _ path: String, hostMemoryTotal: Int64?, files: any SystemFiles,
        into reading: inout CgroupReading
    ) throws(CollectorError) {
        // memory.current exists only where the parent enables the memory controller.
        guard let usage = try CgroupFiles.read("memory.current", in: path, files: files, CgroupFiles.count) else { return }
        reading.memoryUsage = Double(usage)
        let limit = try CgroupFiles.read("memory.max", in: path, files: files, CgroupFiles.limit)
        reading.memoryLimit = .init(limit: limit ?? nil, hostMemoryTotal: hostMemoryTotal)
        if let stat = try CgroupFiles.read("memory.stat", in: path, files: files, keys: memoryStatKeys) {
            reading.inactiveFile = stat[0].map(Double.init)
        }
        if let events = try CgroupFiles.read("memory.events", in: path, files: files, keys: memoryEventsKeys) {
            reading.oomEvents = events[0].map(Double.init)
            reading.oomKills = events[1].map(Double.init)
            reading.highEvents = events[2].map(Double.init)
            reading.maxEvents = events[3].map(Double.init)
        }
    }

    /// `cpu.stat` (every v2 cgroup has it) and `cpu.max` (only with the cpu controller enabled).
    private static func readCPU(_ path: String, files: any SystemFiles, into reading: inout CgroupReading) throws(CollectorError) {
        if let stat = try CgroupFiles.read("cpu.stat", in: path, files: files, keys: cpuStatKeys) {
            reading.cpuUsage = stat[0].map { Double($0) / 1e6 }
            reading.periods = stat[1].map(Double.init)
            reading.throttledPeriods = stat[2].map(Double.init)
            reading.throttledSeconds = stat[3].map { Double($0) / 1e6 }
        } else if !files.exists(path) {
            reading.vanished = true
            return
        }
        // Without the cpu controller there is no cpu.max, and no quota can apply.
        let max = try CgroupFiles.read("cpu.max", in: path, files: files, CgroupFiles.cpuMax)
        reading.cpuLimit = max.map { CgroupReading.CPULimit(quota: $0.quota, period: $0.period) } ?? .unlimited
    }
}
