import CNVML

/// Reads one device's metrics through NVML. Per metric: `NOT_SUPPORTED` (or a missing
/// symbol) leaves it nil silently; `GPU_IS_LOST`/`RESET_REQUIRED` marks the whole device
/// down; any other error leaves it nil and is named in `gpu_up`'s detail.
struct NVMLReader {
    let library: NVMLLibrary
    /// Whether the `_v2` memory call answered with the struct version we sent (a driver
    /// that exports the symbol but rejects the version falls back to v1 for good).
    var memoryV2Usable = true

    init(library: NVMLLibrary) {
        self.library = library
    }

    mutating func read(_ device: NVMLDevice) -> (reading: GPUReading, migs: [GPUReading]) {
        var reading = GPUReading(identity: device.identity)
        var errors: [String] = []
        var lost: nvmlReturn_t?
        let handle = device.handle
        let lib = library

        func take<T>(_ label: String, _ outcome: NVMLOutcome<T>) -> T? {
            switch outcome {
            case .value(let value): return value
            case .absent: return nil
            case .lost(let code):
                if lost == nil { lost = code }
                return nil
            case .failed(let code):
                errors.append("\(label): \(lib.describe(code))")
                return nil
            }
        }
        func uint(_ label: String, _ fn: hr_nvml_device_uint_fn?) -> Double? {
            guard let fn, lost == nil else { return nil }
            var value: UInt32 = 0
            return take(label, lib.outcome(fn(handle, &value), Double(value)))
        }
        func uintArg(_ label: String, _ fn: hr_nvml_device_uint_arg_fn?, _ argument: Int32) -> Double? {
            guard let fn, lost == nil else { return nil }
            var value: UInt32 = 0
            return take(label, lib.outcome(fn(handle, argument, &value), Double(value)))
        }
        func ull(_ label: String, _ fn: hr_nvml_device_ull_fn?) -> UInt64? {
            guard let fn, lost == nil else { return nil }
            var value: UInt64 = 0
            return take(label, lib.outcome(fn(handle, &value), value))
        }
        func pair(_ label: String, _ fn: hr_nvml_device_uint2_fn?) -> (UInt32, UInt32)? {
            guard let fn, lost == nil else { return nil }
            var first: UInt32 = 0
            var second: UInt32 = 0
            return take(label, lib.outcome(fn(handle, &first, &second), (first, second)))
        }

        // Memory first: the metric the rules care most about, and the first call to see a lost GPU.
        readMemory(handle, into: &reading, take: { take("memory", $0) })
        if lost == nil, let fn = lib.utilization {
            var value = nvmlUtilization_t()
            if let rates = take("utilization", lib.outcome(fn(handle, &value), value)) {
                reading.utilization = Double(rates.gpu)
                reading.memoryUtilization = Double(rates.memory)
            }
        }
        reading.encoderUtilization = pair("encoder utilization", lib.encoderUtilization).map { Double($0.0) }
        reading.decoderUtilization = pair("decoder utilization", lib.decoderUtilization).map { Double($0.0) }
        if lost == nil, let fn = lib.temperatureV {
            var value = nvmlTemperature_t()
            value.version = HR_NVML_TEMPERATURE_V1_VERSION
            value.sensorType = 0
            reading.temperature = take("temperature", lib.outcome(fn(handle, &value), Double(value.temperature)))
        } else {
            reading.temperature = uintArg("temperature", lib.temperature, 0)
        }
        reading.temperatureShutdown = uintArg("shutdown temperature", lib.temperatureThreshold, 0)
        reading.temperatureSlowdown = uintArg("slowdown temperature", lib.temperatureThreshold, 1)
        reading.power = uint("power", lib.powerUsage).map { $0 / 1000 }
        reading.powerLimit = uint("power limit", lib.enforcedPowerLimit).map { $0 / 1000 }
        reading.energy = ull("energy", lib.totalEnergy).map { Double($0) / 1000 }
        reading.fanSpeed = uint("fan", lib.fanSpeed)
        reading.smClock = uintArg("SM clock", lib.clockInfo, 1).map { $0 * 1_000_000 }
        reading.memoryClock = uintArg("memory clock", lib.clockInfo, 2).map { $0 * 1_000_000 }
        reading.performanceState = uint("performance state", lib.performanceState).flatMap { $0 <= 15 ? $0 : nil }
        reading.clockEventReasons = ull("clock event reasons", lib.clockEventReasons)
        if let (current, _) = pair("ECC mode", lib.eccMode) {
            reading.eccEnabled = current == 1
            if current == 1, let fn = lib.totalEccErrors {
                for type in [Int32(0), 1] {
                    var count: UInt64 = 0
                    let value = take("ECC errors", lib.outcome(fn(handle, type, 0, &count), Double(count)))
                    if type == 0 { reading.eccCorrected = value } else { reading.eccUncorrected = value }
                }
            }
        }
        if lost == nil, let fn = lib.remappedRows {
            var correctable: UInt32 = 0
            var uncorrectable: UInt32 = 0
            var pending: UInt32 = 0
            var failed: UInt32 = 0
            if take("remapped rows", lib.outcome(fn(handle, &correctable, &uncorrectable, &pending, &failed), ())) != nil {
                reading.remappedRowsCorrectable = Double(correctable)
                reading.remappedRowsUncorrectable = Double(uncorrectable)
                reading.rowRemapPending = pending != 0
                reading.rowRemapFailed = failed != 0
            }
        }
        var migs: [GPUReading] = []
        if let (current, _) = pair("MIG mode", lib.migMode) {
            reading.migEnabled = current == 1
            if current == 1 { migs = readMigDevices(device) }
        }

        if let lost {
            var down = GPUReading(identity: device.identity)
            down.up = false
            down.problem = Self.lostProblem(lib.describe(lost))
            return (down, [])
        }
        if !errors.isEmpty { reading.problem = errors.joined(separator: "; ") }
        return (reading, migs)
    }

    /// What a lost GPU means and what to do, after NVML's `code` as text.
    static func lostProblem(_ code: String) -> String {
        "\(code): the GPU stopped answering the driver (fell off the bus, Xid 79, or needs a reset); its work has failed. "
            + "Drain the node, then reset the GPU (nvidia-smi -r) or reboot"
    }

    private mutating func readMemory(
        _ handle: nvmlDevice_t, into reading: inout GPUReading,
        take: (NVMLOutcome<Void>) -> Void?
    ) {
        if memoryV2Usable, let fn = library.memoryV2 {
            var memory = nvmlMemory_v2_t()
            memory.version = HR_NVML_MEMORY_V2_VERSION
            let code = fn(handle, &memory)
            if code != Int32(HR_NVML_ERROR_ARGUMENT_VERSION_MISMATCH) {
                if take(library.outcome(code, ())) != nil {
                    reading.memoryTotal = Double(memory.total)
                    reading.memoryUsed = Double(memory.used)
                    reading.memoryReserved = Double(memory.reserved)
                    reading.memoryFree = Double(memory.free)
                }
                return
            }
            memoryV2Usable = false
        }
        guard let fn = library.memoryV1 else { return }
        var memory = nvmlMemory_t()
        if take(library.outcome(fn(handle, &memory), ())) != nil {
            // v1 counts driver-reserved memory as used (R510 and later); no separate reserved figure.
            reading.memoryTotal = Double(memory.total)
            reading.memoryUsed = Double(memory.used)
            reading.memoryFree = Double(memory.free)
        }
    }

    /// The MIG instances of a GPU in MIG mode, each with its own memory.
    private mutating func readMigDevices(_ device: NVMLDevice) -> [GPUReading] {
        guard let maxCount = library.maxMigDeviceCount, let byIndex = library.migDeviceHandle else { return [] }
        var count: UInt32 = 0
        guard maxCount(device.handle, &count) == Int32(HR_NVML_SUCCESS) else { return [] }
        var out: [GPUReading] = []
        for index in 0..<count {
            var handle: nvmlDevice_t?
            guard byIndex(device.handle, index, &handle) == Int32(HR_NVML_SUCCESS), let handle else { continue }
            var gi: UInt32 = 0
            var ci: UInt32 = 0
            let gpuInstance = library.gpuInstanceID.flatMap { $0(handle, &gi) == Int32(HR_NVML_SUCCESS) ? Int(gi) : nil }
            let computeInstance = library.computeInstanceID.flatMap { $0(handle, &ci) == Int32(HR_NVML_SUCCESS) ? Int(ci) : nil }
            let identity = library.identity(
                of: handle, index: device.identity.index, gpuInstance: gpuInstance ?? Int(index),
                computeInstance: computeInstance ?? 0, parentBusID: device.identity.pciBusID)
            var reading = GPUReading(identity: identity)
            readMemory(
                handle, into: &reading,
                take: { outcome in
                    if case .value = outcome { return () }
                    return nil
                })
            out.append(reading)
        }
        return out
    }

    /// A device's compute processes as the driver answered: the list, the code it refused the
    /// list with, or nothing this round because processes kept appearing while it was read.
    enum ProcessList {
        case listed([(pid: Int, bytes: Double?)])
        case refused(nvmlReturn_t)
        case unsettled
    }

    /// The compute processes on a device: NVML's size protocol (ask for the count, allocate
    /// 2n + 5, fill; again if more appeared in between, at most three times). Nil when the
    /// library has no process-list call at all.
    func processes(_ device: NVMLDevice) -> ProcessList? {
        let handle = device.handle
        if let fn = library.computeProcesses {
            return sizedList(
                count: { fn(handle, &$0, nil) },
                fill: { count in
                    var buffer = [nvmlProcessInfo_t](filled: nvmlProcessInfo_t(), count: Int(count))
                    var filled = count
                    let code = buffer.withUnsafeMutableBufferPointer { fn(handle, &filled, $0.baseAddress) }
                    return (code, filled, buffer.prefix(Int(min(filled, count))).map { ($0.pid, $0.usedGpuMemory) })
                })
        }
        if let fn = library.computeProcessesV1 {
            return sizedList(
                count: { fn(handle, &$0, nil) },
                fill: { count in
                    var buffer = [nvmlProcessInfo_v1_t](filled: nvmlProcessInfo_v1_t(), count: Int(count))
                    var filled = count
                    let code = buffer.withUnsafeMutableBufferPointer { fn(handle, &filled, $0.baseAddress) }
                    return (code, filled, buffer.prefix(Int(min(filled, count))).map { ($0.pid, $0.usedGpuMemory) })
                })
        }
        return nil
    }

    private func sizedList(
        count: (inout UInt32) -> nvmlReturn_t,
        fill: (UInt32) -> (nvmlReturn_t, UInt32, [(UInt32, UInt64)])
    ) -> ProcessList {
        var needed: UInt32 = 0
        let first = count(&needed)
        if first == Int32(HR_NVML_SUCCESS) { return .listed([]) }
        guard first == Int32(HR_NVML_ERROR_INSUFFICIENT_SIZE) else { return .refused(first) }
        for _ in 0..<3 {
            let capacity = needed * 2 + 5
            let (code, filled, entries) = fill(capacity)
            if code == Int32(HR_NVML_SUCCESS) {
                return .listed(
                    entries.map { pid, bytes in
                        (Int(pid), bytes == HR_NVML_VALUE_NOT_AVAILABLE ? nil : Double(bytes))
                    })
            }
            guard code == Int32(HR_NVML_ERROR_INSUFFICIENT_SIZE) else { return .refused(code) }
            needed = max(filled, capacity)
        }
        return .unsettled
    }
}
