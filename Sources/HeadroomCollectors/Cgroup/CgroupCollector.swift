public import HeadroomCore

/// The container's own cgroup (v2, or v1 on legacy and hybrid hosts): memory against its
/// limit, OOM kills, CPU against its quota, throttling, tasks.
///
/// Every sample carries `cgroup` (the path as this process sees it) and `version`. Without
/// a limit, `container_memory_limited` / `container_cpu_limited` are 0 and no limit or
/// percentage is reported. A file missing for one resource leaves that resource out
/// instead of failing the rest; a garbled file fails the collector, naming the file.
public struct CgroupCollector: Collector {
    /// `cgroup`.
    public let name = "cgroup"
    /// Where the cgroup is; shared with the pressure collector by `CollectorCatalog`.
    public let locator: CgroupLocator

    /// Reads this process's cgroup through `files`, or `cgroupPath` when given.
    public init(files: any SystemFiles, cgroupPath: String? = nil) {
        locator = CgroupLocator(files: files, cgroupPath: cgroupPath)
    }

    /// Reads the cgroup `locator` finds.
    public init(locator: CgroupLocator) {
        self.locator = locator
    }

    /// Reads the cached location, rediscovering it once when its directory has gone.
    public func collect() throws(CollectorError) -> [Sample] {
        var location = try locator.location()
        var reading = try Self.read(location, files: locator.files)
        if reading.vanished {
            // The cgroup was removed or this process moved: find it again, once per round.
            location = try locator.rediscover()
            reading = try Self.read(location, files: locator.files)
        }
        guard !reading.isEmpty else {
            throw .unavailable(
                "no memory, cpu or pids files are readable for this process's cgroup \(location.cgroup) (\(location.version.rawValue)); are the controllers enabled for it?"
            )
        }
        return reading.samples(labels: location.labels)
    }

    /// Reads every resource of `location`: each from its v1 controller when one is
    /// mounted for it, and from the v2 directory otherwise.
    public static func read(_ location: CgroupLocation, files: any SystemFiles) throws(CollectorError) -> CgroupReading {
        var reading = CgroupReading()
        if let memory = location.memory {
            try CgroupV1.readMemory(memory, hostMemoryTotal: location.hostMemoryTotal, files: files, into: &reading)
        }
        if location.cpu != nil || location.cpuacct != nil {
            try CgroupV1.readCPU(cpu: location.cpu, cpuacct: location.cpuacct, files: files, into: &reading)
        }
        if let pids = location.pids {
            try CgroupV1.readPids(pids, files: files, into: &reading)
        }
        if let unified = location.unified {
            let resources = CgroupV2.Resources(
                memory: location.memory == nil,
                cpu: location.cpu == nil && location.cpuacct == nil,
                pids: location.pids == nil)
            if resources.memory || resources.cpu || resources.pids {
                try CgroupV2.read(unified, resources: resources, hostMemoryTotal: location.hostMemoryTotal, files: files, into: &reading)
            }
        }
        return reading
    }
}
