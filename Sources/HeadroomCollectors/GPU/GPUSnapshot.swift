public import HeadroomCore

/// The GPUs of one vendor as read in one round.
public struct GPUSnapshot: Sendable, Hashable, Codable {
    public var vendor: String
    /// Set when the driver could not be initialised: what failed and what to do.
    public var driverProblem: String?
    /// The library (or sysfs root) read.
    public var library: String
    public var driverVersion: String?
    public var gpus: [GPUReading] = []
    /// GPUs the driver counts but this process may not open.
    public var skipped: [String] = []
    /// Optional NVML symbols this driver lacks (each falls back or drops one metric).
    public var missingSymbols: [String] = []

    public init(vendor: String, driverProblem: String?, library: String) {
        self.vendor = vendor
        self.driverProblem = driverProblem
        self.library = library
    }

    /// Every series of the round: the driver's, then each GPU's.
    public var samples: [Sample] {
        var out = driverSamples
        for gpu in gpus { out += gpu.samples }
        return out
    }

    /// `gpu_driver_up{vendor}`: 1 when the driver answers, 0 with the reason and remedy; and the GPU count.
    public var driverSamples: [Sample] {
        let labels: Labels = ["vendor": vendor]
        var detail = driverProblem
        if detail == nil, let driverVersion, !driverVersion.isEmpty { detail = "driver \(driverVersion)" }
        var out = [Sample("gpu_driver_up", labels, driverProblem == nil ? 1 : 0, detail: detail)]
        if driverProblem == nil { out.append(Sample("gpu_count", labels, Double(gpus.filter { $0.identity.gpuInstance == nil }.count))) }
        return out
    }
}
