import HeadroomCollectors
import Testing

@Suite("GPU table")
struct GPUTableTests {
    static func reading(_ index: Int, percent: Double, up: Bool = true) -> GPUReading {
        var reading = GPUReading(
            identity: .init(index: index, uuid: "GPU-\(index)", name: "NVIDIA L4", pciBusID: "00000000:0\(index + 1):00.0", vendor: "nvidia"))
        reading.up = up
        reading.problem = up ? nil : "NVML_ERROR_GPU_IS_LOST (GPU is lost): reset it"
        reading.memoryTotal = 24 * 1024 * 1024 * 1024
        reading.memoryFree = reading.memoryTotal! * (1 - percent / 100)
        reading.temperature = 60
        reading.temperatureSlowdown = 90
        reading.processes = []
        return reading
    }

    @Test("the memory bar fills with the percentage and is coloured by the rule tiers only on request")
    func bar() {
        var snapshot = GPUSnapshot(vendor: "nvidia", driverProblem: nil, library: "/usr/lib/libnvidia-ml.so.1")
        snapshot.gpus = [Self.reading(0, percent: 50), Self.reading(1, percent: 96)]
        let plain = GPUTable.render([snapshot], barWidth: 10)
        #expect(plain.contains("    memory [█████░░░░░] 12.0 GiB / 24.0 GiB  50.0%"))
        #expect(plain.contains("    memory [██████████] 23.0 GiB / 24.0 GiB  96.0%"))
        #expect(!plain.contains("\u{1B}["))
        let colored = GPUTable.render([snapshot], color: true, barWidth: 10)
        #expect(colored.contains("\u{1B}[32m█████░░░░░\u{1B}[0m")) // green below 80 %
        #expect(colored.contains("\u{1B}[31m96.0%\u{1B}[0m")) // red at 95 % and above
    }

    @Test("a lost GPU, a driver that failed and an unavailable vendor each say so")
    func problems() {
        var ok = GPUSnapshot(vendor: "nvidia", driverProblem: nil, library: "/lib/nvml")
        ok.gpus = [Self.reading(0, percent: 10, up: false)]
        let failed = GPUSnapshot(vendor: "nvidia", driverProblem: "nvmlInit_v2 failed: NVML_ERROR_DRIVER_NOT_LOADED", library: "/lib/nvml")
        let text = GPUTable.render([ok, failed], unavailable: ["amd": "no amdgpu device"])
        #expect(text.contains("[0] NVIDIA L4  LOST: NVML_ERROR_GPU_IS_LOST (GPU is lost): reset it"))
        #expect(text.contains("  driver unusable: nvmlInit_v2 failed: NVML_ERROR_DRIVER_NOT_LOADED"))
        #expect(text.hasSuffix("amd: no amdgpu device\n"))
    }
}
