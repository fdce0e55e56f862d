import CNVML

/// One GPU's NVML handle and the identity read once at start.
struct NVMLDevice: @unchecked Sendable {
    let handle: nvmlDevice_t
    let identity: GPUReading.Identity
}

/// What one NVML call gave back.
enum NVMLOutcome<Value> {
    case value(Value)
    /// `NOT_SUPPORTED`, or the symbol is missing: the metric is absent, silently.
    case absent
    /// The GPU stopped answering (`GPU_IS_LOST`, `RESET_REQUIRED`).
    case lost(nvmlReturn_t)
    /// Any other error: the metric is absent and the code is remembered for the detail text.
    case failed(nvmlReturn_t)
}

extension NVMLLibrary {
    /// Classifies a return code.
    func outcome<Value>(_ code: nvmlReturn_t, _ value: @autoclosure () -> Value) -> NVMLOutcome<Value> {
        switch code {
        case Int32(HR_NVML_SUCCESS): .value(value())
        case Int32(HR_NVML_ERROR_NOT_SUPPORTED), Int32(HR_NVML_ERROR_FUNCTION_NOT_FOUND): .absent
        case Int32(HR_NVML_ERROR_GPU_IS_LOST), Int32(HR_NVML_ERROR_RESET_REQUIRED): .lost(code)
        default: .failed(code)
        }
    }

    /// A string out of a `(char *, length)` call, with NVML's 96-byte buffers.
    func string(_ call: (UnsafeMutablePointer<CChar>, UInt32) -> nvmlReturn_t) -> (nvmlReturn_t, String) {
        var buffer = [CChar](repeating: 0, count: 96)
        let code = buffer.withUnsafeMutableBufferPointer { call($0.baseAddress!, UInt32($0.count)) }
        guard code == Int32(HR_NVML_SUCCESS) else { return (code, "") }
        let text = buffer.withUnsafeBufferPointer { pointer in
            String(decoding: UnsafeRawBufferPointer(pointer).prefix { $0 != 0 }, as: UTF8.self)
        }
        return (code, text)
    }

    /// The identity of `handle`: name, UUID and bus id read once.
    func identity(
        of handle: nvmlDevice_t, index: Int, gpuInstance: Int? = nil, computeInstance: Int? = nil,
        parentBusID: String? = nil
    ) -> GPUReading.Identity {
        let name = self.name.map { fn in string { fn(handle, $0, $1) }.1 } ?? ""
        let uuid = self.uuid.map { fn in string { fn(handle, $0, $1) }.1 } ?? ""
        var busID = parentBusID ?? ""
        if parentBusID == nil, let pciInfo {
            var info = nvmlPciInfo_t()
            if pciInfo(handle, &info) == Int32(HR_NVML_SUCCESS) {
                busID = withUnsafeBytes(of: info.busId) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            }
        }
        return GPUReading.Identity(
            index: index, uuid: uuid.isEmpty ? "GPU-unknown-\(index)" : uuid,
            name: name.isEmpty ? "NVIDIA GPU" : name, pciBusID: busID, vendor: "nvidia",
            gpuInstance: gpuInstance, computeInstance: computeInstance)
    }
}
