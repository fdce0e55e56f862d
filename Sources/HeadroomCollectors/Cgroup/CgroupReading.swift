public import HeadroomCore

/// What was read from one cgroup, in bytes, seconds and counts, before it becomes samples.
/// `samples(labels:)` is pure, so the limit and percentage rules are tested without files.
public struct CgroupReading: Sendable, Hashable {
    /// A memory limit, or the knowledge that there is none.
    public enum MemoryLimit: Sendable, Hashable {
        /// No limit (v2 `max`, v1's huge sentinel, a limit above the host's RAM, the root cgroup).
        case unlimited
        /// A limit in bytes.
        case bytes(Double)
    }

    /// A CPU quota, or the knowledge that there is none.
    public enum CPULimit: Sendable, Hashable {
        /// No quota (v2 `max`, v1 `-1`, the root cgroup).
        case unlimited
        /// A quota in cores (quota ÷ period).
        case cores(Double)
    }

    /// Memory charged to the cgroup (v2 `memory.current`, v1 `memory.usage_in_bytes`).
    public var memoryUsage: Double?
    /// The memory limit, when the memory controller was read.
    public var memoryLimit: MemoryLimit?
    /// Inactive page cache (v2 `inactive_file`, v1 `total_inactive_file`), reclaimable first.
    public var inactiveFile: Double?
    /// OOM kills inside the cgroup.
    public var oomKills: Double?
    /// Times the cgroup hit its limit and the OOM killer was invoked (v2 only).
    public var oomEvents: Double?
    /// Times usage went over `memory.high` and was throttled (v2 only).
    public var highEvents: Double?
    /// Times usage was about to go over `memory.max` (v2 only).
    public var maxEvents: Double?
    /// CPU time used, in seconds.
    public var cpuUsage: Double?
    /// The CPU quota, when the cpu controller was read.
    public var cpuLimit: CPULimit?
    /// CFS periods that had runnable tasks.
    public var periods: Double?
    /// Periods in which the cgroup ran out of quota.
    public var throttledPeriods: Double?
    /// Time spent throttled, in seconds.
    public var throttledSeconds: Double?
    /// Tasks in the cgroup.
    public var pidsCurrent: Double?
    /// The task limit, when one is set.
    public var pidsLimit: Double?
    /// A directory the location named has disappeared: the caller should rediscover.
    public var vanished = false

    /// An empty reading.
    public init() {}

    /// Working set as cAdvisor and `docker stats` count it: usage minus inactive page
    /// cache, never negative. This is what the OOM killer weighs against the limit.
    public var workingSet: Double? {
        memoryUsage.map { max(0, $0 - (inactiveFile ?? 0)) }
    }

    /// Whether anything at all was read.
    public var isEmpty: Bool {
        memoryUsage == nil && memoryLimit == nil && cpuUsage == nil && cpuLimit == nil && pidsCurrent == nil && oomKills == nil
    }

    /// The samples, each carrying `labels`. Without a limit, `container_memory_limited` /
    /// `container_cpu_limited` are 0 and there is no limit or percentage: a percentage of
    /// "unlimited" means nothing, and would only ever read 0.
    public func samples(labels: Labels) -> [Sample] {
        var out: [Sample] = []
        out.reserveCapacity(17)
        func gauge(_ name: String, _ value: Double?) { if let value { out.append(Sample(name, labels, value)) } }
        func counter(_ name: String, _ value: Double?) { if let value { out.append(Sample(name, labels, value, kind: .counter)) } }
        gauge("container_memory_usage_bytes", memoryUsage)
        gauge("container_memory_working_set_bytes", workingSet)
        switch memoryLimit {
        case .bytes(let limit):
            gauge("container_memory_limited", 1)
            gauge("container_memory_limit_bytes", limit)
            if let workingSet {
                gauge("container_memory_used_percent", limit > 0 ? workingSet / limit * 100 : (workingSet > 0 ? 100 : 0))
            }
        case .unlimited:
            gauge("container_memory_limited", 0)
        case nil:
            break
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
