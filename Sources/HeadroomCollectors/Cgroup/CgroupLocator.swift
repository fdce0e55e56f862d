import Synchronization

/// This process's cgroup location, discovered on first use and kept until a collector
/// finds its directory gone. The cgroup and pressure collectors share one, so both watch
/// the same cgroup and rediscover together.
public final class CgroupLocator: Sendable {
    /// The files discovery and the readers go through.
    public let files: any SystemFiles
    /// `collectors.cgroup_path`, replacing the paths from `/proc/self/cgroup`.
    public let override: String?
    private let cached = Mutex<CgroupLocation?>(nil)

    /// A locator reading through `files`; `cgroupPath` overrides discovery.
    public init(files: any SystemFiles, cgroupPath: String? = nil) {
        self.files = files
        override = cgroupPath
    }

    /// The cached location, discovering it on first use.
    public func location() throws(CollectorError) -> CgroupLocation {
        if let location = cached.withLock({ $0 }) { return location }
        return try rediscover()
    }

    /// Discovers the location again (the cgroup was removed or the process moved).
    @discardableResult
    public func rediscover() throws(CollectorError) -> CgroupLocation {
        cached.withLock { $0 = nil }
        let location = try CgroupDiscovery.locate(files: files, override: override)
        cached.withLock { $0 = location }
        return location
    }

    /// Drops the cached location so the next call discovers it again.
    public func forget() {
        cached.withLock { $0 = nil }
    }
}
