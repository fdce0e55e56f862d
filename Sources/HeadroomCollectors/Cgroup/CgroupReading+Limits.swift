extension CgroupReading.MemoryLimit {
    /// The limit a cgroup file states. None (`max`), v1's huge "no limit" value, and a
    /// limit above the host's RAM all mean the same: the cgroup cannot hit it before the
    /// host runs out, so a percentage of it would mislead.
    public init(limit: Int64?, hostMemoryTotal: Int64?) {
        guard let limit, limit < CgroupFiles.unlimitedThreshold else {
            self = .unlimited
            return
        }
        if let hostMemoryTotal, limit > hostMemoryTotal {
            self = .unlimited
            return
        }
        self = .bytes(Double(limit))
    }
}

extension CgroupReading.CPULimit {
    /// The quota a cgroup states: none (`max`, `-1`), or quota ÷ period cores.
    public init(quota: Int64?, period: Int64) {
        guard let quota, period > 0 else {
            self = .unlimited
            return
        }
        self = .cores(Double(quota) / Double(period))
    }
}
