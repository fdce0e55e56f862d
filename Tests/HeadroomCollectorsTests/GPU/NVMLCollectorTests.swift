import HeadroomCollectors
import HeadroomCore
import HeadroomTesting
import Testing

/// The NVML collector against the fake libnvidia-ml.so.1, loaded through the production
/// dlopen path (`collectors.nvml_library` pointing at a private copy).
@Suite("NVML collector")
struct NVMLCollectorTests {
    static let threeGPUs = """
        driver 550.54.15
        gpus 3
        gpu 0 name NVIDIA L4
        gpu 0 uuid GPU-0a1b2c3d-0000-1111-2222-333344445555
        gpu 0 bus 00000000:01:00.0
        gpu 0 total 25769803776
        gpu 0 used 12884901888
        gpu 0 reserved 536870912
        gpu 0 util 87
        gpu 0 memutil 40
        gpu 0 enc 12
        gpu 0 dec 3
        gpu 0 temp 71
        gpu 0 slowdown 88
        gpu 0 shutdown 93
        gpu 0 power 65432
        gpu 0 power_limit 72000
        gpu 0 energy 123456789
        gpu 0 smclock 1800
        gpu 0 memclock 6251
        gpu 0 pstate 2
        gpu 0 reasons 0x24
        gpu 0 fan 55
        gpu 0 ecc_mode 1
        gpu 0 ecc_corrected 5
        gpu 0 remap_corr 2
        gpu 1 name NVIDIA A100-SXM4-80GB
        gpu 1 total 85899345920
        gpu 1 used 1073741824
        gpu 2 name NVIDIA GeForce RTX 4090
        gpu 2 unsupported fan power power_limit energy ecc remap encoder decoder mig
        """

    func collector(_ fake: FakeNVML, files: any SystemFiles = InMemorySystemFiles([:])) -> NVMLCollector {
        NVMLCollector(libraryPath: fake.libraryPath, files: files)
    }

    @Test("every GPU is read with its identity labels, v2 memory semantics and units converted")
    func readsEverything() throws {
        let fake = try FakeNVML(scenario: Self.threeGPUs)
        let samples = try collector(fake).collect()
        let gpu0 = Labels([
            "gpu": "0", "uuid": "GPU-0a1b2c3d-0000-1111-2222-333344445555", "name": "NVIDIA L4",
            "pci_bus_id": "00000000:01:00.0", "vendor": "nvidia",
        ])
        func value(_ name: String, _ labels: Labels = gpu0) -> Double? {
            samples.first { $0.name == name && $0.labels == labels }?.value
        }
        #expect(value("gpu_driver_up", ["vendor": "nvidia"]) == 1)
        #expect(samples.first { $0.name == "gpu_driver_up" }?.detail == "driver 550.54.15")
        #expect(value("gpu_count", ["vendor": "nvidia"]) == 3)
        #expect(value("gpu_up") == 1)
        #expect(value("gpu_memory_total_bytes") == 25_769_803_776)
        // v2: used excludes the driver's reserve (as nvidia-smi shows it); free = total - used - reserved.
        #expect(value("gpu_memory_used_bytes") == 12_884_901_888)
        #expect(value("gpu_memory_reserved_bytes") == 536_870_912)
        #expect(value("gpu_memory_free_bytes") == Double(25_769_803_776 - 12_884_901_888 - 536_870_912))
        // Percent counts everything that cannot be allocated: (12 GiB + 512 MiB) / 24 GiB.
        #expect(value("gpu_memory_used_percent") == (12_884_901_888.0 + 536_870_912) / 25_769_803_776 * 100)
        #expect(value("gpu_utilization_percent") == 87)
        #expect(value("gpu_memory_utilization_percent") == 40)
        #expect(value("gpu_encoder_utilization_percent") == 12)
        #expect(value("gpu_decoder_utilization_percent") == 3)
        #expect(value("gpu_temperature_celsius") == 71)
        #expect(value("gpu_temperature_slowdown_celsius") == 88)
        #expect(value("gpu_temperature_shutdown_celsius") == 93)
        #expect(value("gpu_temperature_slowdown_margin_celsius") == 17)
        #expect(value("gpu_power_watts") == 65.432)
        #expect(value("gpu_power_limit_watts") == 72)
        #expect(value("gpu_energy_joules_total") == 123_456.789)
        #expect(samples.first { $0.name == "gpu_energy_joules_total" }?.kind == .counter)
        #expect(value("gpu_fan_speed_percent") == 55)
        #expect(value("gpu_sm_clock_hertz") == 1_800_000_000)
        #expect(value("gpu_memory_clock_hertz") == 6_251_000_000)
        #expect(value("gpu_performance_state") == 2)
        #expect(value("gpu_ecc_enabled") == 1)
        var corrected = gpu0
        corrected["type"] = "corrected"
        #expect(value("gpu_ecc_errors_total", corrected) == 5)
        var correctable = gpu0
        correctable["type"] = "correctable"
        #expect(value("gpu_remapped_rows_total", correctable) == 2)
        #expect(value("gpu_row_remap_failed") == 0)
        #expect(value("gpu_mig_enabled") == 0)
        // 0x24 = sw_power_cap (power_cap) + sw_thermal_slowdown (thermal); every reason is a series.
        let active = samples.filter { $0.name == "gpu_clock_event_active" && $0.labels["gpu"] == "0" && $0.value == 1 }
        #expect(active.map { $0.labels["reason"]! }.sorted() == ["sw_power_cap", "sw_thermal_slowdown"])
        #expect(active.map { $0.labels["class"]! }.sorted() == ["power_cap", "thermal"])
        #expect(samples.filter { $0.name == "gpu_clock_event_active" && $0.labels["gpu"] == "0" }.count == ClockEventReason.all.count)
        // Three GPUs, in index order, each with its own identity.
        let names = samples.filter { $0.name == "gpu_up" }.map { $0.labels["name"]! }
        #expect(names == ["NVIDIA L4", "NVIDIA A100-SXM4-80GB", "NVIDIA GeForce RTX 4090"])
    }

    @Test("NOT_SUPPORTED leaves a metric out silently, per metric and per GPU")
    func notSupported() throws {
        let fake = try FakeNVML(scenario: Self.threeGPUs)
        let snapshot = try collector(fake).read()
        let geforce = try #require(snapshot.gpus.first { $0.identity.index == 2 })
        #expect(geforce.up)
        #expect(geforce.problem == nil)
        #expect(geforce.fanSpeed == nil && geforce.power == nil && geforce.powerLimit == nil && geforce.energy == nil)
        #expect(geforce.eccEnabled == nil && geforce.remappedRowsCorrectable == nil && geforce.encoderUtilization == nil)
        #expect(geforce.migEnabled == nil)
        #expect(geforce.memoryTotal != nil && geforce.temperature != nil && geforce.utilization != nil)
        let series = Set(geforce.samples.map(\.name))
        #expect(!series.contains("gpu_power_watts") && !series.contains("gpu_fan_speed_percent"))
        #expect(series.contains("gpu_memory_used_percent"))
    }

    @Test("NVML is initialised once and kept, not per sample")
    func initOnce() throws {
        let fake = try FakeNVML(scenario: Self.threeGPUs)
        let collector = collector(fake)
        for _ in 0..<5 { _ = try collector.collect() }
        #expect(fake.stat("init") == 1)
        #expect(fake.stat("shutdown") == 0)
    }

    @Test("an R470-era driver: the older symbols are used and nothing is lost but the reserved split")
    func legacyDriver() throws {
        let fake = try FakeNVML(scenario: Self.threeGPUs + "\ngpu 0 procs 4242:1073741824\n", variant: .legacy)
        let snapshot = try collector(fake).read()
        #expect(snapshot.missingSymbols.contains("nvmlDeviceGetMemoryInfo_v2"))
        #expect(snapshot.missingSymbols.contains("nvmlDeviceGetTemperatureV"))
        #expect(snapshot.missingSymbols.contains("nvmlDeviceGetCurrentClocksEventReasons"))
        #expect(snapshot.missingSymbols.contains("nvmlDeviceGetComputeRunningProcesses_v3"))
        let gpu = try #require(snapshot.gpus.first)
        // v1 counts the reserve as used and has no reserved figure; free and the percentage agree with v2.
        #expect(gpu.memoryUsed == Double(12_884_901_888 + 536_870_912))
        #expect(gpu.memoryReserved == nil)
        #expect(gpu.memoryFree == Double(25_769_803_776 - 12_884_901_888 - 536_870_912))
        #expect(gpu.memoryUsedPercent == (12_884_901_888.0 + 536_870_912) / 25_769_803_776 * 100)
        #expect(gpu.temperature == 71)
        #expect(gpu.clockEventReasons == 0x24)
        #expect(gpu.processes?.map(\.pid) == [4242])
        #expect(gpu.processes?.first?.usedBytes == 1_073_741_824)
    }

    @Test("a GPU lost midway is reported down with the remedy; the others keep reporting")
    func lostGPU() throws {
        let fake = try FakeNVML(scenario: Self.threeGPUs + "\nat 1 gpu 1 lost\n")
        let collector = collector(fake)
        #expect(try collector.read().gpus.allSatisfy(\.up))
        fake.setStep(1)
        let samples = try collector.collect()
        let up = samples.filter { $0.name == "gpu_up" }
        #expect(up.map(\.value) == [1, 0, 1])
        let lost = try #require(up.first { $0.value == 0 })
        #expect(lost.labels["name"] == "NVIDIA A100-SXM4-80GB")
        #expect(lost.detail?.hasPrefix("NVML_ERROR_GPU_IS_LOST (GPU is lost): the GPU stopped answering") == true)
        #expect(lost.detail?.contains("reset the GPU") == true)
        // The lost GPU has no other series; GPUs 0 and 2 still have theirs.
        #expect(!samples.contains { $0.name == "gpu_memory_used_percent" && $0.labels["gpu"] == "1" })
        #expect(samples.filter { $0.name == "gpu_memory_used_percent" }.map { $0.labels["gpu"]! } == ["0", "2"])
    }

    @Test(
        "init failures raise gpu_driver_up 0 with the remedy and are retried with backoff",
        arguments: [
            (18, "NVML_ERROR_LIB_RM_VERSION_MISMATCH", "reboot"),
            (9, "NVML_ERROR_DRIVER_NOT_LOADED", "lsmod"),
            (999, "NVML_ERROR_UNKNOWN", "recreate the container"),
        ])
    func initFailure(code: Int, name: String, remedy: String) throws {
        let fake = try FakeNVML(scenario: Self.threeGPUs + "\ninit \(code) 3\n")
        let collector = collector(fake)
        var initCalls: [Int] = []
        var driverUp: [Double] = []
        for _ in 0..<10 {
            let samples = try collector.collect()
            let driver = try #require(samples.first { $0.name == "gpu_driver_up" })
            driverUp.append(driver.value)
            initCalls.append(fake.stat("init"))
            if driver.value == 0 {
                #expect(driver.detail?.hasPrefix("nvmlInit_v2 failed: \(name)") == true)
                #expect(driver.detail?.contains(remedy) == true)
                #expect(!samples.contains { $0.name == "gpu_up" })
            }
        }
        // Tried at rounds 1, 2 (after 1), 4 (after 2), 8 (after 4): the 4th attempt succeeds.
        #expect(initCalls == [1, 2, 2, 3, 3, 3, 3, 4, 4, 4])
        #expect(driverUp == [0, 0, 0, 0, 0, 0, 0, 1, 1, 1])
    }

    @Test("no library: the collector is unavailable with where it looked; a configured path that is missing is a failure")
    func noLibrary() throws {
        let missing = NVMLCollector(libraryPath: nil, files: InMemorySystemFiles([:]), directories: ["/nonexistent/a", "/nonexistent/b"])
        #expect {
            try missing.collect()
        } throws: { error in
            guard case .unavailable(let reason) = error as? CollectorError else { return false }
            return reason.hasPrefix("libnvidia-ml.so.1 not found (dynamic loader and 2 driver directories searched")
                && reason.contains("--gpus all") && reason.contains("collectors.nvml_library")
        }
        let configured = NVMLCollector(libraryPath: "/nonexistent/libnvidia-ml.so.1", files: InMemorySystemFiles([:]))
        #expect(throws: CollectorError.failed("/nonexistent/libnvidia-ml.so.1: no such file")) { try configured.collect() }
    }

    @Test("a library that is not NVML is refused with the reason")
    func notNVML() throws {
        // Any shared object without nvmlInit_v2: the C library itself.
        let collector = NVMLCollector(libraryPath: "/lib/x86_64-linux-gnu/libc.so.6", files: InMemorySystemFiles([:]))
        #expect {
            try collector.collect()
        } throws: { error in
            guard case .failed(let reason) = error as? CollectorError else { return false }
            return reason.contains("lacks nvmlInit_v2") && reason.contains("not NVML")
        }
    }

    @Test("GPUs the driver counts but this process may not open are skipped and named")
    func noPermission() throws {
        let fake = try FakeNVML(scenario: Self.threeGPUs + "\ngpu 1 handle_error 4\n")
        let snapshot = try collector(fake).read()
        #expect(snapshot.gpus.map(\.identity.index) == [0, 2])
        #expect(snapshot.skipped == ["GPU 1: NVML_ERROR_NO_PERMISSION (Insufficient Permissions)"])
    }

    @Test("label sets kept from round to round give exactly the series built afresh; a GPU's go when it does")
    func keptLabelSets() throws {
        let fake = try FakeNVML(scenario: Self.threeGPUs + "\nat 1 gpu 1 used 30000000000\n")
        let collector = collector(fake)
        var sets: [GPUReading.Identity: GPULabelSets] = [:]
        let first = try collector.read()
        #expect(first.samples(labelSets: &sets) == first.samples)
        #expect(sets.count == 3)
        fake.setStep(1)
        let second = try collector.read()
        let kept = second.samples(labelSets: &sets)
        #expect(kept == second.samples)
        #expect(kept != first.samples, "the second round's values, not the first's")
        var fewer = second
        let gone = fewer.gpus.remove(at: 1)
        #expect(fewer.samples(labelSets: &sets) == fewer.samples)
        #expect(sets.count == 2 && sets[gone.identity] == nil)
        // What the collector hands the round is the same.
        #expect(try collector.collect() == second.samples)
    }

    @Test("MIG instances are read as their own memory series")
    func mig() throws {
        let fake = try FakeNVML(
            scenario: """
                gpus 1
                gpu 0 name NVIDIA A100-SXM4-40GB
                gpu 0 total 42949672960
                gpu 0 mig_mode 1
                gpu 0 mig 0 1 0 10737418240 2147483648
                gpu 0 mig 1 2 0 10737418240 9663676416
                """)
        let snapshot = try collector(fake).read()
        #expect(snapshot.gpus.count == 3)
        let parent = snapshot.gpus[0]
        #expect(parent.migEnabled == true)
        #expect(parent.utilization == nil) // NVML has no utilisation in MIG mode
        let instances = snapshot.gpus.dropFirst()
        #expect(instances.map(\.identity.gpuInstance) == [1, 2])
        #expect(instances.allSatisfy { $0.identity.uuid.hasPrefix("MIG-") && $0.identity.pciBusID == parent.identity.pciBusID })
        #expect(instances.map(\.memoryUsedPercent) == [20, 90])
        let labels = try #require(instances.last?.samples.first { $0.name == "gpu_memory_used_percent" }?.labels)
        #expect(labels["gpu_instance"] == "2" && labels["compute_instance"] == "0" && labels["gpu"] == "0")
        // gpu_count counts boards, not instances.
        #expect(snapshot.driverSamples.first { $0.name == "gpu_count" }?.value == 1)
    }
}
