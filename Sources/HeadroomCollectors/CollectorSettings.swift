/// How the host is read (YAML `collectors:`).
public struct CollectorSettings: Sendable, Hashable {
    /// Directory under which `/proc` and `/sys` are read (YAML `collectors.root`, default `/`;
    /// `/host` when the host's `/proc` and `/sys` are mounted there in a container).
    public var root: String
    /// Per-collector time budget per round (YAML `collectors.timeout`, default 2s).
    public var timeout: Duration
    /// Collectors not to run (YAML `collectors.disabled`, default none).
    public var disabled: Set<CollectorName>
    /// Explicit cgroup directory relative to the cgroup mount, instead of discovering
    /// this process's own from `/proc/self/cgroup` (YAML `collectors.cgroup_path`).
    public var cgroupPath: String?
    /// The NVML library to load instead of searching for `libnvidia-ml.so.1`
    /// (YAML `collectors.nvml_library`).
    public var nvmlLibrary: String?

    public init(
        root: String = "/", timeout: Duration = .seconds(2), disabled: Set<CollectorName> = [], cgroupPath: String? = nil,
        nvmlLibrary: String? = nil
    ) {
        self.root = root
        self.timeout = timeout
        self.disabled = disabled
        self.cgroupPath = cgroupPath
        self.nvmlLibrary = nvmlLibrary
    }
}

/// The built-in collectors, in the order they run and are reported (`CollectorCatalog`).
public enum CollectorName: String, Sendable, Hashable, CaseIterable {
    case cpu, memory, load, cgroup, pressure, nvidia, amdgpu
}
