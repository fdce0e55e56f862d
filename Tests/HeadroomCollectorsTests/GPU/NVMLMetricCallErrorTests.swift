@testable import HeadroomCollectors
import HeadroomCore
import HeadroomTesting
import Testing

/// Each NVML call behind a per-GPU metric, failed by the fake's `gpu I error CALL CODE`, on
/// GPU 0 of two: what Headroom reports for that GPU, and that GPU 1 is untouched.
@Suite("NVML metric calls failing one by one")
struct NVMLMetricCallErrorTests {
    /// One call, the labels production names it by in `gpu_up`'s detail (once per time it
    /// is made in a round), and the readings it feeds.
    struct Call: Sendable, CustomTestStringConvertible {
        var name: String
        var labels: [String]
        var variant: FakeNVML.Variant = .current
        var readings: @Sendable (GPUReading) -> [Any?]
        var testDescription: String { "\(name)\(variant == .legacy ? " (R470)" : "")" }
    }

    static let calls: [Call] = [
        Call(name: "nvmlDeviceGetMemoryInfo_v2", labels: ["memory"]) { [$0.memoryTotal, $0.memoryUsed, $0.memoryReserved, $0.memoryFree] },
        Call(name: "nvmlDeviceGetMemoryInfo", labels: ["memory"], variant: .legacy) { [$0.memoryTotal, $0.memoryUsed, $0.memoryFree] },
        Call(name: "nvmlDeviceGetUtilizationRates", labels: ["utilization"]) { [$0.utilization, $0.memoryUtilization] },
        Call(name: "nvmlDeviceGetEncoderUtilization", labels: ["encoder utilization"]) { [$0.encoderUtilization] },
        Call(name: "nvmlDeviceGetDecoderUtilization", labels: ["decoder utilization"]) { [$0.decoderUtilization] },
        Call(name: "nvmlDeviceGetTemperatureV", labels: ["temperature"]) { [$0.temperature] },
        Call(name: "nvmlDeviceGetTemperature", labels: ["temperature"], variant: .legacy) { [$0.temperature] },
        Call(name: "nvmlDeviceGetTemperatureThreshold", labels: ["shutdown temperature", "slowdown temperature"]) {
            [$0.temperatureShutdown, $0.temperatureSlowdown]
        },
        Call(name: "nvmlDeviceGetPowerUsage", labels: ["power"]) { [$0.power] },
        Call(name: "nvmlDeviceGetEnforcedPowerLimit", labels: ["power limit"]) { [$0.powerLimit] },
        Call(name: "nvmlDeviceGetTotalEnergyConsumption", labels: ["energy"]) { [$0.energy] },
        Call(name: "nvmlDeviceGetFanSpeed", labels: ["fan"]) { [$0.fanSpeed] },
        Call(name: "nvmlDeviceGetClockInfo", labels: ["SM clock", "memory clock"]) { [$0.smClock, $0.memoryClock] },
        Call(name: "nvmlDeviceGetPerformanceState", labels: ["performance state"]) { [$0.performanceState] },
        Call(name: "nvmlDeviceGetCurrentClocksEventReasons", labels: ["clock event reasons"]) { [$0.clockEventReasons] },
        Call(name: "nvmlDeviceGetCurrentClocksThrottleReasons", labels: ["clock event reasons"], variant: .legacy) {
            [$0.clockEventReasons]
        },
        Call(name: "nvmlDeviceGetEccMode", labels: ["ECC mode"]) { [$0.eccEnabled, $0.eccCorrected, $0.eccUncorrected] },
        Call(name: "nvmlDeviceGetTotalEccErrors", labels: ["ECC errors", "ECC errors"]) { [$0.eccCorrected, $0.eccUncorrected] },
        Call(name: "nvmlDeviceGetRemappedRows", labels: ["remapped rows"]) {
            [$0.remappedRowsCorrectable, $0.remappedRowsUncorrectable, $0.rowRemapPending, $0.rowRemapFailed]
        },
        Call(name: "nvmlDeviceGetMigMode", labels: ["MIG mode"]) { [$0.migEnabled] },
    ]

    static let scenario = """
        gpus 2
        gpu 0 used 1073741824
        gpu 0 reserved 268435456
        gpu 0 util 50
        gpu 0 enc 5
        gpu 0 dec 6
        gpu 0 energy 1000
        gpu 0 ecc_mode 1
        gpu 0 ecc_corrected 2
        gpu 0 remap_corr 1
        gpu 1 used 1073741824
        gpu 1 ecc_mode 1
        """

    func read(_ call: Call, code: Int) throws -> (failing: GPUReading, other: GPUReading) {
        let fake = try FakeNVML(scenario: Self.scenario + "\ngpu 0 error \(call.name) \(code)\n", variant: call.variant)
        let gpus = try NVMLCollector(libraryPath: fake.libraryPath, files: InMemorySystemFiles([:])).read().gpus
        try #require(gpus.count == 2)
        return (gpus[0], gpus[1])
    }

    @Test(
        "any other error: the GPU stays up, its metrics from this call are absent and gpu_up's detail names the call",
        arguments: calls)
    func unknownError(call: Call) throws {
        let (failing, other) = try read(call, code: 999)
        #expect(failing.up)
        #expect(call.readings(failing).allSatisfy { $0 == nil })
        #expect(failing.problem == call.labels.map { "\($0): NVML_ERROR_UNKNOWN (Unknown Error)" }.joined(separator: "; "))
        // The round goes on past the failure: the calls after it are still made.
        #expect(failing.migEnabled != nil || call.name == "nvmlDeviceGetMigMode")
        #expect(other.up && other.problem == nil)
        #expect(call.readings(other).allSatisfy { $0 != nil })
    }

    @Test("NOT_SUPPORTED: the metrics are absent, silently", arguments: calls)
    func notSupported(call: Call) throws {
        let (failing, other) = try read(call, code: 3)
        #expect(failing.up)
        #expect(failing.problem == nil)
        #expect(call.readings(failing).allSatisfy { $0 == nil })
        #expect(call.readings(other).allSatisfy { $0 != nil })
    }

    @Test("GPU_IS_LOST from any of them: the GPU is down with the remedy, the other GPU is read", arguments: calls)
    func lost(call: Call) throws {
        let (failing, other) = try read(call, code: 15)
        #expect(!failing.up)
        #expect(failing.problem == NVMLReader.lostProblem("NVML_ERROR_GPU_IS_LOST (GPU is lost)"))
        #expect(failing.samples.map(\.name) == ["gpu_up"])
        #expect(other.up && other.problem == nil)
    }

    @Test("a driver that rejects the memory struct's version is read through the v1 call from then on")
    func memoryVersionMismatch() throws {
        let fake = try FakeNVML(scenario: Self.scenario + "\ngpu 0 error nvmlDeviceGetMemoryInfo_v2 25\n")
        let collector = NVMLCollector(libraryPath: fake.libraryPath, files: InMemorySystemFiles([:]))
        for _ in 0..<2 {
            let gpu = try collector.read().gpus[0]
            #expect(gpu.up && gpu.problem == nil)
            // v1: the reserve counted as used, no reserved figure.
            #expect(gpu.memoryUsed == Double(1_073_741_824 + 268_435_456))
            #expect(gpu.memoryReserved == nil)
        }
    }
}
