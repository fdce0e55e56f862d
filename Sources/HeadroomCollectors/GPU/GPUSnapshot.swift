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
        var sets: [GPUReading.Identity: GPULabelSets] = [:]
        return samples(labelSets: &sets)
    }

    /// `samples`, with each GPU's label sets taken from `labelSets` (and added there): a
    /// collector keeps them from round to round. Sets of GPUs gone are dropped.
    public func samples(labelSets: inout [GPUReading.Identity: GPULabelSets]) -> [Sample] {
        var out = driverSamples
        out.reserveCapacity(out.count + 40 * gpus.count)
        for gpu in gpus {
            let sets: GPULabelSets
            if let known = labelSets[gpu.identity] {
                sets = known
            } else {
                sets = GPULabelSets(gpu.identity)
                labelSets[gpu.identity] = sets
            }
            gpu.appendSamples(to: &out, labels: sets)
        }
        if labelSets.count > gpus.count {
            let present = Set(gpus.map(\.identity))
            labelSets = labelSets.filter { present.contains($0.key) }
        }
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
