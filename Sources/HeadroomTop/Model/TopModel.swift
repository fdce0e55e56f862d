public import HeadroomCore

/// What one frame shows, read from one round's samples: GPUs with their processes, the host
/// and its container. Samples this view does not know are ignored.
public struct TopModel: Sendable, Hashable {
    /// In the driver's order (by the `gpu` label, numerically).
    public var gpus: [GPUView]
    public var host: HostView

    public init(gpus: [GPUView], host: HostView) {
        self.gpus = gpus
        self.host = host
    }

    /// Builds the model from one round. A GPU series with extra labels (a MIG instance) does
    /// not overwrite the whole GPU's value.
    public init(samples: [Sample]) {
        var gpus: [String: GPUView] = [:]
        var labelCount: [String: Int] = [:]
        var host = HostView()
        var container = ContainerView()
        var hasContainer = false
        var pressure: [String: [String: Double]] = [:]
        for sample in samples {
            let value = sample.value
            if sample.name.hasPrefix("gpu_"), let index = sample.labels["gpu"] {
                var gpu = gpus[index] ?? GPUView(index: index, name: sample.labels["name"] ?? "GPU \(index)")
                if gpu.identity["uuid"] == nil {
                    gpu.identity = Labels(["gpu", "name", "uuid", "vendor"].compactMap { name in sample.labels[name].map { (name, $0) } })
                }
                Self.apply(sample, to: &gpu, labelCount: &labelCount)
                gpus[index] = gpu
                continue
            }
            switch sample.name {
            case "cpu_used_percent": host.cpuPercent = value
            case "memory_used_bytes": host.memoryUsed = value
            case "memory_total_bytes": host.memoryTotal = value
            case "memory_used_percent": host.memoryPercent = value
            case "load1": host.load = Self.setting(host.load, 0, value)
            case "load5": host.load = Self.setting(host.load, 1, value)
            case "load15": host.load = Self.setting(host.load, 2, value)
            case "container_memory_usage_bytes": (container.usage, hasContainer) = (value, true)
            case "container_memory_working_set_bytes": (container.workingSet, hasContainer) = (value, true)
            case "container_memory_limit_bytes": (container.limit, hasContainer) = (value, true)
            case "container_oom_kills_total": (container.oomKills, hasContainer) = (value, true)
            case "pressure_avg10_percent":
                guard sample.labels["kind"] == "some", let resource = sample.labels["resource"] else { continue }
                pressure[sample.labels["scope"] ?? "host", default: [:]][resource] = value
            default: continue
            }
        }
        if hasContainer { host.container = container }
        let scope = pressure["container"] ?? pressure["host"] ?? [:]
        host.pressure = ["cpu", "memory", "io"].compactMap { resource in scope[resource].map { PressureReading(resource: resource, percent: $0) } }
        self.gpus = gpus.values.sorted { Self.indexOrder($0.index, $1.index) }
        self.host = host
    }

    /// Every process on every GPU.
    public var processes: [GPUProcessView] { gpus.flatMap(\.processes) }

    private static func apply(_ sample: Sample, to gpu: inout GPUView, labelCount: inout [String: Int]) {
        let value = sample.value
        if sample.name == "gpu_process_memory_used_bytes" {
            guard let pid = sample.labels["pid"].flatMap({ Int($0) }) else { return }
            gpu.processes.append(
                GPUProcessView(
                    gpu: gpu.index, pid: pid, command: sample.labels["command"] ?? "?", container: sample.labels["container"],
                    pod: sample.labels["pod"], memory: value))
            return
        }
        if sample.name == "gpu_clock_event_active" {
            if value > 0, let kind = sample.labels["class"], kind != "info", !gpu.throttles.contains(kind) { gpu.throttles.append(kind) }
            return
        }
        // The whole GPU's series has the fewest labels; a MIG instance's carries more.
        let key = gpu.index + " " + sample.name
        if let seen = labelCount[key], seen < sample.labels.pairs.count { return }
        labelCount[key] = sample.labels.pairs.count
        switch sample.name {
        case "gpu_memory_used_bytes": gpu.memoryUsed = value
        case "gpu_memory_reserved_bytes": gpu.memoryReserved = value
        case "gpu_memory_total_bytes": gpu.memoryTotal = value
        case "gpu_memory_used_percent": gpu.memoryPercent = value
        case "gpu_utilization_percent": gpu.utilization = value
        case "gpu_temperature_celsius": gpu.temperature = value
        case "gpu_temperature_slowdown_celsius": gpu.slowdownTemperature = value
        case "gpu_power_watts": gpu.power = value
        case "gpu_power_limit_watts": gpu.powerLimit = value
        default: return
        }
    }

    private static func setting(_ values: [Double], _ index: Int, _ value: Double) -> [Double] {
        var copy = values
        while copy.count <= index { copy.append(.nan) }
        copy[index] = value
        return copy
    }

    /// `2` before `10`: numeric labels compare as numbers, others as text after them.
    static func indexOrder(_ lhs: String, _ rhs: String) -> Bool {
        switch (Int(lhs), Int(rhs)) {
        case (let left?, let right?): left < right
        case (.some, nil): true
        case (nil, .some): false
        case (nil, nil): lhs < rhs
        }
    }
}
