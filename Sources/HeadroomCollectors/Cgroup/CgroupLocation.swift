public import HeadroomCore

/// Where this process's cgroup lives, as `CgroupDiscovery.locate` found it: one directory
/// per cgroup v1 controller that is mounted, and the cgroup v2 (unified) directory.
///
/// A hybrid host (systemd's default before v2-only, and this project's CI machine) has
/// both: v1 `memory`, `cpu`, `cpuacct`, `pids` hierarchies under `/sys/fs/cgroup/<name>`
/// and an empty v2 hierarchy under `/sys/fs/cgroup/unified`. Each resource is read from
/// its v1 controller when that is mounted, and from the v2 directory otherwise.
public struct CgroupLocation: Sendable, Hashable {
    /// Which cgroup interface the readings come from.
    public enum Version: String, Sendable, Hashable {
        /// Legacy hierarchies, one per controller (also on hybrid hosts).
        case v1
        /// The unified hierarchy.
        case v2
    }

    /// One cgroup directory.
    public struct Directory: Sendable, Hashable {
        /// Host path of the directory (`/sys/fs/cgroup/memory/docker/abc`).
        public var path: String
        /// The real root of its hierarchy: the whole host, which has no limits of its own
        /// and whose usage the host collectors already report.
        public var isHierarchyRoot: Bool

        /// A directory and whether it is its hierarchy's root.
        public init(_ path: String, isHierarchyRoot: Bool = false) {
            self.path = path
            self.isHierarchyRoot = isHierarchyRoot
        }
    }

    /// `v1` when any resource is read from a v1 controller, else `v2`.
    public let version: Version
    /// The cgroup path relative to its hierarchy, as this process sees it (`/docker/abc`,
    /// `/` inside a cgroup namespace): the `cgroup` label. On v1, the memory controller's.
    public let cgroup: String
    /// v1 `memory` controller directory.
    public let memory: Directory?
    /// v1 `cpu` controller directory (quota and throttling).
    public let cpu: Directory?
    /// v1 `cpuacct` controller directory (usage); often the same as `cpu`.
    public let cpuacct: Directory?
    /// v1 `pids` controller directory.
    public let pids: Directory?
    /// cgroup v2 directory.
    public let unified: Directory?
    /// The host's MemTotal in bytes when known: a memory limit above it can never be reached.
    public let hostMemoryTotal: Int64?
    /// `{cgroup, version}`, carried by every sample of the cgroup collector.
    public let labels: Labels

    /// A location; `labels` is derived from `cgroup` and `version`.
    public init(
        version: Version, cgroup: String, memory: Directory? = nil, cpu: Directory? = nil, cpuacct: Directory? = nil,
        pids: Directory? = nil, unified: Directory? = nil, hostMemoryTotal: Int64? = nil
    ) {
        self.version = version
        self.cgroup = cgroup
        self.memory = memory
        self.cpu = cpu
        self.cpuacct = cpuacct
        self.pids = pids
        self.unified = unified
        self.hostMemoryTotal = hostMemoryTotal
        labels = Labels([("cgroup", cgroup), ("version", version.rawValue)])
    }
}
