/// The host and, when Headroom runs inside one, its container.
public struct HostView: Sendable, Hashable {
    public var cpuPercent: Double?
    public var memoryUsed: Double?
    public var memoryTotal: Double?
    public var memoryPercent: Double?
    public var load: [Double]
    public var container: ContainerView?
    /// PSI `some` avg10 per resource (cpu, memory, io), the container's when there is one.
    public var pressure: [PressureReading]

    public init() {
        load = []
        pressure = []
    }
}

/// The cgroup's memory.
public struct ContainerView: Sendable, Hashable {
    public var usage: Double?
    public var workingSet: Double?
    /// Nil when the cgroup has no memory limit.
    public var limit: Double?
    public var oomKills: Double?

    public init(usage: Double? = nil, workingSet: Double? = nil, limit: Double? = nil, oomKills: Double? = nil) {
        self.usage = usage
        self.workingSet = workingSet
        self.limit = limit
        self.oomKills = oomKills
    }
}

/// One resource's pressure-stall share over the last 10 seconds (`some`).
public struct PressureReading: Sendable, Hashable {
    /// `cpu`, `memory` or `io`.
    public var resource: String
    public var percent: Double

    public init(resource: String, percent: Double) {
        self.resource = resource
        self.percent = percent
    }
}
