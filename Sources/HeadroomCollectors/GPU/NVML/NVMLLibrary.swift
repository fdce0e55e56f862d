import CNVML
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// `libnvidia-ml.so.1`, opened with `dlopen` and resolved symbol by symbol.
///
/// Headroom never links against NVML, so one binary runs with and without a driver.
/// Required symbols are the handful every driver since R450 exports; the rest are
/// optional and fall back (memory `_v2` → v1, `TemperatureV` → `Temperature`,
/// `ClocksEventReasons` → `ClocksThrottleReasons`, processes `_v3` → `_v2` → v1).
/// The handle is never closed: NVML keeps driver threads that must not lose their code.
final class NVMLLibrary: @unchecked Sendable {
    /// Where the library was found.
    let path: String

    // Required.
    let initialize: hr_nvml_void_fn
    let shutdown: hr_nvml_void_fn
    let errorString: hr_nvml_error_string_fn
    let deviceCount: hr_nvml_uint_out_fn
    let handleByIndex: hr_nvml_handle_by_index_fn

    // Optional: nil when this driver does not export it.
    let driverVersion: hr_nvml_string_fn?
    let cudaDriverVersion: hr_nvml_int_out_fn?
    let name: hr_nvml_device_string_fn?
    let uuid: hr_nvml_device_string_fn?
    let pciInfo: hr_nvml_pci_fn?
    let memoryV2: hr_nvml_memory_v2_fn?
    let memoryV1: hr_nvml_memory_fn?
    let utilization: hr_nvml_utilization_fn?
    let encoderUtilization: hr_nvml_device_uint2_fn?
    let decoderUtilization: hr_nvml_device_uint2_fn?
    let temperatureV: hr_nvml_temperature_v_fn?
    let temperature: hr_nvml_device_uint_arg_fn?
    let temperatureThreshold: hr_nvml_device_uint_arg_fn?
    let fanSpeed: hr_nvml_device_uint_fn?
    let powerUsage: hr_nvml_device_uint_fn?
    let enforcedPowerLimit: hr_nvml_device_uint_fn?
    let totalEnergy: hr_nvml_device_ull_fn?
    let clockInfo: hr_nvml_device_uint_arg_fn?
    let performanceState: hr_nvml_device_uint_fn?
    let clockEventReasons: hr_nvml_device_ull_fn?
    let eccMode: hr_nvml_device_uint2_fn?
    let totalEccErrors: hr_nvml_ecc_count_fn?
    let remappedRows: hr_nvml_remapped_rows_fn?
    /// `_v3`, else `_v2` (both fill the 24-byte process struct).
    let computeProcesses: hr_nvml_processes_fn?
    /// The unversioned call (16-byte struct), for drivers older than both.
    let computeProcessesV1: hr_nvml_processes_v1_fn?
    let processName: hr_nvml_process_name_fn?
    let migMode: hr_nvml_device_uint2_fn?
    let maxMigDeviceCount: hr_nvml_device_uint_fn?
    let migDeviceHandle: hr_nvml_mig_handle_fn?
    let gpuInstanceID: hr_nvml_device_uint_fn?
    let computeInstanceID: hr_nvml_device_uint_fn?
    let eventSetCreate: hr_nvml_event_set_create_fn?
    let supportedEventTypes: hr_nvml_device_ull_fn?
    let registerEvents: hr_nvml_register_events_fn?
    let eventSetWait: hr_nvml_event_wait_fn?
    let eventSetFree: hr_nvml_event_set_free_fn?

    /// The optional symbols this driver lacks (logged once at start).
    let missing: [String]

    /// Where to look after the dynamic loader's own search (`LD_LIBRARY_PATH`, ld.so.cache):
    /// distribution library directories, the NVIDIA container toolkit's and the GPU
    /// operator's driver-container mounts. CUDA's `stubs/` copy is never used: it is a
    /// link-time stub whose every call fails.
    static let searchDirectories = [
        "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/lib/aarch64-linux-gnu",
        "/usr/local/nvidia/lib64", "/usr/local/nvidia/lib",
        "/run/nvidia/driver/usr/lib/x86_64-linux-gnu", "/run/nvidia/driver/usr/lib64",
        "/usr/lib/wsl/lib",
    ]

    static let soname = "libnvidia-ml.so.1"

    /// Opens NVML: `explicitPath` only, when configured; otherwise the soname through the
    /// dynamic loader, then each of `directories`.
    static func open(explicitPath: String?, directories: [String] = searchDirectories) -> Result<NVMLLibrary, NVMLLoadError> {
        var attempts: [String] = []
        let candidates = explicitPath.map { [$0] } ?? [soname] + directories.map { $0 + "/" + soname }
        for candidate in candidates {
            if candidate.contains("/"), access(candidate, F_OK) != 0 {
                attempts.append("\(candidate): no such file")
                continue
            }
            guard let handle = dlopen(candidate, RTLD_NOW | RTLD_LOCAL) else {
                attempts.append(dlerror().map { String(cString: $0) } ?? "\(candidate): dlopen failed")
                continue
            }
            var path = candidate
            if !candidate.contains("/") {
                // Report the file the loader picked.
                if let file = hr_dl_path_of(dlsym(handle, "nvmlInit_v2")) { path = String(cString: file) }
            }
            switch make(handle: handle, path: path) {
            case .success(let library): return .success(library)
            case .failure(let error): attempts.append(error.description)
            }
        }
        if explicitPath != nil {
            return .failure(.unusable(attempts.joined(separator: "; ")))
        }
        return .failure(.notFound(searched: candidates.count, details: attempts.first ?? ""))
    }

    private init(
        handle _: UnsafeMutableRawPointer, path: String, resolve: (String) -> UnsafeMutableRawPointer?, missing: [String],
        required: (hr_nvml_void_fn, hr_nvml_void_fn, hr_nvml_error_string_fn, hr_nvml_uint_out_fn, hr_nvml_handle_by_index_fn)
    ) {
        self.path = path
        (initialize, shutdown, errorString, deviceCount, handleByIndex) = required
        func symbol<T>(_ name: String, as type: T.Type) -> T? {
            resolve(name).map { unsafeBitCast($0, to: type) }
        }
        driverVersion = symbol("nvmlSystemGetDriverVersion", as: hr_nvml_string_fn.self)
        cudaDriverVersion = symbol("nvmlSystemGetCudaDriverVersion_v2", as: hr_nvml_int_out_fn.self)
        name = symbol("nvmlDeviceGetName", as: hr_nvml_device_string_fn.self)
        uuid = symbol("nvmlDeviceGetUUID", as: hr_nvml_device_string_fn.self)
        pciInfo = symbol("nvmlDeviceGetPciInfo_v3", as: hr_nvml_pci_fn.self)
        memoryV2 = symbol("nvmlDeviceGetMemoryInfo_v2", as: hr_nvml_memory_v2_fn.self)
        memoryV1 = symbol("nvmlDeviceGetMemoryInfo", as: hr_nvml_memory_fn.self)
        utilization = symbol("nvmlDeviceGetUtilizationRates", as: hr_nvml_utilization_fn.self)
        encoderUtilization = symbol("nvmlDeviceGetEncoderUtilization", as: hr_nvml_device_uint2_fn.self)
        decoderUtilization = symbol("nvmlDeviceGetDecoderUtilization", as: hr_nvml_device_uint2_fn.self)
        temperatureV = symbol("nvmlDeviceGetTemperatureV", as: hr_nvml_temperature_v_fn.self)
        temperature = symbol("nvmlDeviceGetTemperature", as: hr_nvml_device_uint_arg_fn.self)
        temperatureThreshold = symbol("nvmlDeviceGetTemperatureThreshold", as: hr_nvml_device_uint_arg_fn.self)
        fanSpeed = symbol("nvmlDeviceGetFanSpeed", as: hr_nvml_device_uint_fn.self)
        powerUsage = symbol("nvmlDeviceGetPowerUsage", as: hr_nvml_device_uint_fn.self)
        enforcedPowerLimit = symbol("nvmlDeviceGetEnforcedPowerLimit", as: hr_nvml_device_uint_fn.self)
        totalEnergy = symbol("nvmlDeviceGetTotalEnergyConsumption", as: hr_nvml_device_ull_fn.self)
        clockInfo = symbol("nvmlDeviceGetClockInfo", as: hr_nvml_device_uint_arg_fn.self)
        performanceState = symbol("nvmlDeviceGetPerformanceState", as: hr_nvml_device_uint_fn.self)
        clockEventReasons =
            symbol("nvmlDeviceGetCurrentClocksEventReasons", as: hr_nvml_device_ull_fn.self)
            ?? symbol("nvmlDeviceGetCurrentClocksThrottleReasons", as: hr_nvml_device_ull_fn.self)
        eccMode = symbol("nvmlDeviceGetEccMode", as: hr_nvml_device_uint2_fn.self)
        totalEccErrors = symbol("nvmlDeviceGetTotalEccErrors", as: hr_nvml_ecc_count_fn.self)
        remappedRows = symbol("nvmlDeviceGetRemappedRows", as: hr_nvml_remapped_rows_fn.self)
        computeProcesses =
            symbol("nvmlDeviceGetComputeRunningProcesses_v3", as: hr_nvml_processes_fn.self)
            ?? symbol("nvmlDeviceGetComputeRunningProcesses_v2", as: hr_nvml_processes_fn.self)
        computeProcessesV1 = symbol("nvmlDeviceGetComputeRunningProcesses", as: hr_nvml_processes_v1_fn.self)
        processName = symbol("nvmlSystemGetProcessName", as: hr_nvml_process_name_fn.self)
        migMode = symbol("nvmlDeviceGetMigMode", as: hr_nvml_device_uint2_fn.self)
        maxMigDeviceCount = symbol("nvmlDeviceGetMaxMigDeviceCount", as: hr_nvml_device_uint_fn.self)
        migDeviceHandle = symbol("nvmlDeviceGetMigDeviceHandleByIndex", as: hr_nvml_mig_handle_fn.self)
        gpuInstanceID = symbol("nvmlDeviceGetGpuInstanceId", as: hr_nvml_device_uint_fn.self)
        computeInstanceID = symbol("nvmlDeviceGetComputeInstanceId", as: hr_nvml_device_uint_fn.self)
        eventSetCreate = symbol("nvmlEventSetCreate", as: hr_nvml_event_set_create_fn.self)
        supportedEventTypes = symbol("nvmlDeviceGetSupportedEventTypes", as: hr_nvml_device_ull_fn.self)
        registerEvents = symbol("nvmlDeviceRegisterEvents", as: hr_nvml_register_events_fn.self)
        eventSetWait = symbol("nvmlEventSetWait_v2", as: hr_nvml_event_wait_fn.self)
        eventSetFree = symbol("nvmlEventSetFree", as: hr_nvml_event_set_free_fn.self)
        self.missing = missing
    }

    /// Optional symbols whose absence is worth one log line (each has a fallback or only
    /// drops one metric).
    static let optionalSymbols = [
        "nvmlDeviceGetMemoryInfo_v2", "nvmlDeviceGetTemperatureV", "nvmlDeviceGetCurrentClocksEventReasons",
        "nvmlDeviceGetComputeRunningProcesses_v3", "nvmlDeviceGetRemappedRows", "nvmlDeviceGetTotalEnergyConsumption",
        "nvmlEventSetWait_v2", "nvmlDeviceGetMigMode",
    ]

    /// Resolves the required symbols, or says why this file is not a usable NVML.
    private static func make(handle: UnsafeMutableRawPointer, path: String) -> Result<NVMLLibrary, NVMLLoadError> {
        let resolve: (String) -> UnsafeMutableRawPointer? = { dlsym(handle, $0) }
        guard let initialize = resolve("nvmlInit_v2"), let shutdown = resolve("nvmlShutdown"),
            let errorString = resolve("nvmlErrorString"), let count = resolve("nvmlDeviceGetCount_v2"),
            let byIndex = resolve("nvmlDeviceGetHandleByIndex_v2")
        else {
            dlclose(handle)
            return .failure(.unusable("\(path) lacks nvmlInit_v2/nvmlDeviceGetCount_v2/nvmlDeviceGetHandleByIndex_v2: not NVML, or a driver older than R450"))
        }
        let missing = optionalSymbols.filter { resolve($0) == nil }
        return .success(
            NVMLLibrary(
                handle: handle, path: path, resolve: resolve, missing: missing,
                required: (
                    unsafeBitCast(initialize, to: hr_nvml_void_fn.self), unsafeBitCast(shutdown, to: hr_nvml_void_fn.self),
                    unsafeBitCast(errorString, to: hr_nvml_error_string_fn.self), unsafeBitCast(count, to: hr_nvml_uint_out_fn.self),
                    unsafeBitCast(byIndex, to: hr_nvml_handle_by_index_fn.self)
                )))
    }

    /// `NVML_ERROR_GPU_IS_LOST (GPU is lost)`.
    func describe(_ code: nvmlReturn_t) -> String {
        let symbolic = String(cString: hr_nvml_return_name(code))
        guard let text = errorString(code) else { return symbolic }
        return "\(symbolic) (\(String(cString: text)))"
    }
}

/// Why NVML could not be opened.
enum NVMLLoadError: Error, Sendable, CustomStringConvertible {
    /// No driver library anywhere: a machine without NVIDIA GPUs, or a container started
    /// without the NVIDIA runtime.
    case notFound(searched: Int, details: String)
    /// A configured path, or a file found, that is not a usable NVML.
    case unusable(String)

    var description: String {
        switch self {
        case .notFound(let searched, let details):
            "libnvidia-ml.so.1 not found (dynamic loader and \(searched - 1) driver directories searched; \(details)). "
                + "No NVIDIA driver here; in a container run it with the NVIDIA runtime (--gpus all, "
                + "NVIDIA_DRIVER_CAPABILITIES=utility) or set collectors.nvml_library"
        case .unusable(let reason): reason
        }
    }
}
