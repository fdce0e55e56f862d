import Foundation
import HeadroomCollectors
import HeadroomCore
import HeadroomTesting
import Testing

@Suite("amdgpu collector")
struct AMDGPUCollectorTests {
    static let files = FixtureHosts.files("amdgpu-host")

    @Test("cards are cardN directories of vendor 0x1002, any number of digits; connectors and other vendors are skipped")
    func discovery() throws {
        let snapshot = try AMDGPUCollector(files: Self.files).read()
        #expect(snapshot.gpus.map(\.identity.index) == [0, 10])
        #expect(snapshot.gpus.map(\.identity.vendor) == ["amd", "amd"])
        #expect(snapshot.gpus[0].identity.name == "AMD Radeon RX 7900 XTX")
        #expect(snapshot.gpus[0].identity.uuid == "AMD-5a7e3c1d2b4f6a80")
        #expect(snapshot.gpus[0].identity.pciBusID == "0000:03:00.0")
        // No product_name or unique_id: the device id and the PCI address stand in.
        #expect(snapshot.gpus[1].identity.name == "AMD GPU 0x15bf")
        #expect(snapshot.gpus[1].identity.uuid == "0000:c4:00.0")
    }

    @Test("VRAM, busy, edge temperature and its limits, power in watts, fan, clocks: the NVIDIA names with vendor=amd")
    func metrics() throws {
        let samples = try AMDGPUCollector(files: Self.files).collect()
        let card0 = Labels([
            "gpu": "0", "uuid": "AMD-5a7e3c1d2b4f6a80", "name": "AMD Radeon RX 7900 XTX",
            "pci_bus_id": "0000:03:00.0", "vendor": "amd",
        ])
        func value(_ name: String) -> Double? { samples.first { $0.name == name && $0.labels == card0 }?.value }
        #expect(value("gpu_memory_total_bytes") == 25_753_026_560)
        #expect(value("gpu_memory_used_bytes") == 21_474_836_480)
        #expect(value("gpu_memory_free_bytes") == Double(25_753_026_560 - 21_474_836_480))
        #expect(value("gpu_memory_used_percent") == 21_474_836_480.0 / 25_753_026_560 * 100)
        #expect(value("gpu_utilization_percent") == 97)
        #expect(value("gpu_memory_utilization_percent") == 41)
        #expect(value("gpu_temperature_celsius") == 68) // the sensor labelled edge
        #expect(value("gpu_temperature_slowdown_celsius") == 100)
        #expect(value("gpu_temperature_shutdown_celsius") == 105)
        #expect(value("gpu_power_watts") == 301)
        #expect(value("gpu_power_limit_watts") == 327)
        #expect(value("gpu_fan_speed_percent") == 60) // pwm1 153/255
        #expect(value("gpu_sm_clock_hertz") == 2_482_000_000)
        #expect(value("gpu_memory_clock_hertz") == 1_249_000_000)
        #expect(samples.first { $0.name == "gpu_driver_up" }?.labels == ["vendor": "amd"])
        #expect(samples.first { $0.name == "gpu_count" }?.value == 2)
        // The APU has power1_input only, and no limits.
        let apu = samples.filter { $0.labels["gpu"] == "10" }
        #expect(apu.first { $0.name == "gpu_power_watts" }?.value == 8.123)
        #expect(!apu.contains { $0.name == "gpu_temperature_slowdown_celsius" })
        #expect(apu.first { $0.name == "gpu_memory_used_percent" }?.value == 50)
    }

    @Test("the same rules apply: gpu_memory_high fires for an AMD card")
    func rulesApply() throws {
        let samples = try AMDGPUCollector(files: Self.files).collect()
        let rule = AlertRule(
            name: "gpu_memory_critical", selector: MetricSelector("gpu_memory_used_percent"), condition: .atLeast(80),
            severity: .critical)
        var engine = AlertEngine(rules: [rule])
        let out = engine.evaluate(samples, at: .init(timeIntervalSince1970: 0))
        #expect(out.map { $0.alert.labels["vendor"] } == ["amd"])
    }

    @Test("a file amdgpu refuses (EPERM during a reset) leaves that metric out; the rest is read")
    func unreadable() throws {
        let base = "/sys/class/drm/card0/device"
        let files = InMemorySystemFiles(
            [
                "\(base)/vendor": "0x1002\n", "\(base)/uevent": "PCI_SLOT_NAME=0000:03:00.0\n",
                "\(base)/mem_info_vram_total": "1000\n", "\(base)/mem_info_vram_used": "250\n",
                "\(base)/gpu_busy_percent": "5\n", "\(base)/hwmon/hwmon0/temp1_input": "50000\n",
            ], unreadable: ["\(base)/gpu_busy_percent", "\(base)/hwmon/hwmon0/temp1_input"])
        let gpu = try #require(try AMDGPUCollector(files: files).read().gpus.first)
        #expect(gpu.utilization == nil && gpu.temperature == nil)
        #expect(gpu.memoryUsedPercent == 25)
    }

    @Test("no card: unavailable, with where it looked")
    func none() {
        #expect(throws: CollectorError.unavailable("no amdgpu device under /sys/class/drm (no AMD GPU, or /sys not mounted there)")) {
            try AMDGPUCollector(files: InMemorySystemFiles([:])).collect()
        }
    }
}
