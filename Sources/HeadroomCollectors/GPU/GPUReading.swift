/// One GPU (or one MIG instance) as read in one round, vendor-neutral: NVML and amdgpu's
/// sysfs both produce it, `samples` turns it into series, and `headroom gpus` prints it.
///
/// Every metric is optional: nil means "not reported by this device" (NVML's
/// `NOT_SUPPORTED`, a missing sysfs file), never zero.
public struct GPUReading: Sendable, Hashable, Codable {
    /// Which GPU this is; the labels every GPU series carries.
    public struct Identity: Sendable, Hashable, Codable {
        /// The driver's index (NVML index, or N of `/sys/class/drm/cardN`).
        public var index: Int
        /// `GPU-…` (or `MIG-…`) for NVIDIA; the PCI address for AMD, which has no UUID in sysfs.
        public var uuid: String
        /// Product name, e.g. `NVIDIA L4`.
        public var name: String
        /// PCI bus id as NVML prints it: `00000000:01:00.0`.
        public var pciBusID: String
        /// `nvidia` or `amd`.
        public var vendor: String
        /// MIG only: the GPU instance and compute instance ids.
        public var gpuInstance: Int?
        public var computeInstance: Int?

        public init(
            index: Int, uuid: String, name: String, pciBusID: String, vendor: String,
            gpuInstance: Int? = nil, computeInstance: Int? = nil
        ) {
            self.index = index
            self.uuid = uuid
            self.name = name
            self.pciBusID = pciBusID
            self.vendor = vendor
            self.gpuInstance = gpuInstance
            self.computeInstance = computeInstance
        }
    }

    /// One process holding memory on the GPU.
    public struct Process: Sendable, Hashable, Codable {
        /// Host PID (NVML never translates PIDs between namespaces).
        public var pid: Int
        /// Process name as the driver reports it, or from `/proc/<pid>/comm`.
        public var command: String
        public var usedBytes: Double?
        /// The cgroup the process belongs to, when Headroom can see its `/proc/<pid>`.
        public var cgroup: String?
        /// A container id recognised in `cgroup` (docker, containerd, CRI-O, podman), 12 hex digits.
        public var container: String?
        /// The Kubernetes pod UID recognised in `cgroup`.
        public var podUID: String?

        enum CodingKeys: String, CodingKey {
            case pid, command
            case usedBytes = "used_bytes"
            case cgroup, container
            case podUID = "pod_uid"
        }

        public init(pid: Int, command: String, usedBytes: Double?, cgroup: String? = nil, container: String? = nil, podUID: String? = nil) {
            self.pid = pid
            self.command = command
            self.usedBytes = usedBytes
            self.cgroup = cgroup
            self.container = container
            self.podUID = podUID
        }
    }

    public var identity: Identity
    /// False once the device stopped answering (NVML `GPU_IS_LOST`, `RESET_REQUIRED`).
    public var up = true
    /// Why the device is not up, with the remedy.
    public var problem: String?

    // Memory, bytes. `memoryUsed` excludes driver-reserved memory (matches nvidia-smi).
    public var memoryTotal: Double?
    public var memoryUsed: Double?
    public var memoryReserved: Double?
    public var memoryFree: Double?

    // Utilisation, percent of the driver's sampling period.
    public var utilization: Double?
    public var memoryUtilization: Double?
    public var encoderUtilization: Double?
    public var decoderUtilization: Double?

    // Temperatures, °C.
    public var temperature: Double?
    public var temperatureSlowdown: Double?
    public var temperatureShutdown: Double?

    /// Watts (NVML reports milliwatts, amdgpu microwatts).
    public var power: Double?
    public var powerLimit: Double?
    /// Joules since the driver loaded.
    public var energy: Double?
    /// Percent of the fan's maximum (the intended speed; may exceed 100).
    public var fanSpeed: Double?
    /// Hertz.
    public var smClock: Double?
    public var memoryClock: Double?
    /// 0 (maximum performance) … 15.
    public var performanceState: Double?
    /// NVML's clock-event (throttle) reason bitmask.
    public var clockEventReasons: UInt64?

    public var eccEnabled: Bool?
    /// Volatile counts (since the driver loaded).
    public var eccCorrected: Double?
    public var eccUncorrected: Double?
    public var remappedRowsCorrectable: Double?
    public var remappedRowsUncorrectable: Double?
    public var rowRemapPending: Bool?
    public var rowRemapFailed: Bool?
    public var migEnabled: Bool?

    /// Compute processes; nil when the device cannot list them.
    public var processes: [Process]?
    /// Why processes have no container attribution (nil when they have, or there are none).
    public var attributionProblem: String?
    /// Why `processes` is nil on a device that is up: the driver refused the list (nil when
    /// it listed them, or has no list to give, as NOT_SUPPORTED says).
    public var processesProblem: String?

    /// Xid errors counted since Headroom started, by class; nil where the driver has no events.
    public var xidCounts: [String: Double]?
    /// The latest Xid seen, with its meaning.
    public var lastXid: Int?
    public var lastXidDescription: String?
    /// The latest Xid of each class (the detail of that class's counter).
    public var lastXidByClass: [String: Int]?

    public init(identity: Identity) {
        self.identity = identity
    }

    /// JSON names carry their unit, as the metric names do.
    enum CodingKeys: String, CodingKey {
        case identity, up, problem
        case memoryTotal = "memory_total_bytes"
        case memoryUsed = "memory_used_bytes"
        case memoryReserved = "memory_reserved_bytes"
        case memoryFree = "memory_free_bytes"
        case utilization = "utilization_percent"
        case memoryUtilization = "memory_utilization_percent"
        case encoderUtilization = "encoder_utilization_percent"
        case decoderUtilization = "decoder_utilization_percent"
        case temperature = "temperature_celsius"
        case temperatureSlowdown = "temperature_slowdown_celsius"
        case temperatureShutdown = "temperature_shutdown_celsius"
        case power = "power_watts"
        case powerLimit = "power_limit_watts"
        case energy = "energy_joules"
        case fanSpeed = "fan_speed_percent"
        case smClock = "sm_clock_hertz"
        case memoryClock = "memory_clock_hertz"
        case performanceState = "performance_state"
        case clockEventReasons = "clock_event_reasons"
        case eccEnabled = "ecc_enabled"
        case eccCorrected = "ecc_corrected_total"
        case eccUncorrected = "ecc_uncorrected_total"
        case remappedRowsCorrectable = "remapped_rows_correctable"
        case remappedRowsUncorrectable = "remapped_rows_uncorrectable"
        case rowRemapPending = "row_remap_pending"
        case rowRemapFailed = "row_remap_failed"
        case migEnabled = "mig_enabled"
        case processes
        case attributionProblem = "attribution_problem"
        case processesProblem = "processes_problem"
        case xidCounts = "xid_counts"
        case lastXid = "last_xid"
        case lastXidDescription = "last_xid_description"
        case lastXidByClass = "last_xid_by_class"
    }

    /// Memory that cannot be allocated any more: total − free (allocations plus reserved).
    public var memoryUnavailable: Double? {
        guard let memoryTotal, let memoryFree else {
            guard let memoryTotal, let memoryUsed else { return nil }
            return min(memoryTotal, memoryUsed + (memoryReserved ?? 0))
        }
        return max(0, memoryTotal - memoryFree)
    }

    /// `gpu_memory_used_percent`: (total − free) / total × 100, so 100 % means the next
    /// allocation fails; nil without a total.
    public var memoryUsedPercent: Double? {
        guard let memoryTotal, memoryTotal > 0, let unavailable = memoryUnavailable else { return nil }
        return min(100, max(0, unavailable / memoryTotal * 100))
    }
}
