public import HeadroomCore

/// One GPU as the view shows it, read from its `gpu_*` samples.
public struct GPUView: Sendable, Hashable {
    /// The `gpu` label (the index as the driver numbers it).
    public var index: String
    public var name: String
    /// The identity labels every series of this GPU carries (`gpu`, `name`, `uuid`,
    /// `vendor`): what rule selectors match against.
    public var identity: Labels
    public var memoryUsed: Double?
    /// What the driver keeps for itself (not allocatable, counted as used in the bar).
    public var memoryReserved: Double?
    public var memoryTotal: Double?
    public var memoryPercent: Double?
    public var utilization: Double?
    public var temperature: Double?
    public var slowdownTemperature: Double?
    public var power: Double?
    public var powerLimit: Double?
    /// The classes of the active clock-event reasons that slow the GPU (`thermal`,
    /// `power_cap`, `power`, `hardware`), not the informational ones such as idle.
    public var throttles: [String]
    public var processes: [GPUProcessView]

    public init(index: String, name: String) {
        self.index = index
        self.name = name
        identity = Labels([("gpu", index)])
        throttles = []
        processes = []
    }

    /// Allocations plus the driver's reserve: what can no longer be allocated.
    public var memoryTaken: Double? {
        guard let memoryUsed else { return nil }
        return memoryUsed + (memoryReserved ?? 0)
    }

    /// The memory percentage: the daemon's own when it sent one, else taken over total.
    public var memoryFraction: Double? {
        if let memoryPercent { return memoryPercent / 100 }
        guard let taken = memoryTaken, let total = memoryTotal, total > 0 else { return nil }
        return taken / total
    }
}

/// One process holding memory on a GPU.
public struct GPUProcessView: Sendable, Hashable {
    public var gpu: String
    public var pid: Int
    public var command: String
    public var container: String?
    public var pod: String?
    public var memory: Double

    public init(gpu: String, pid: Int, command: String, container: String? = nil, pod: String? = nil, memory: Double) {
        self.gpu = gpu
        self.pid = pid
        self.command = command
        self.container = container
        self.pod = pod
        self.memory = memory
    }
}
