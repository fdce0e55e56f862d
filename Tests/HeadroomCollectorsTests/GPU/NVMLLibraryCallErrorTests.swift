import HeadroomCollectors
import HeadroomCore
import HeadroomTesting
import Testing

/// The library-wide calls (init, driver version, device count, handle lookup, shutdown),
/// failed by the fake's `error` lines.
@Suite("NVML library calls failing")
struct NVMLLibraryCallErrorTests {
    static let scenario = """
        driver 550.54.15
        gpus 2
        gpu 0 uuid GPU-0000
        gpu 1 uuid GPU-1111
        gpu 1 used 1073741824
        """

    func collector(_ fake: FakeNVML) -> NVMLCollector {
        NVMLCollector(libraryPath: fake.libraryPath, files: InMemorySystemFiles([:]))
    }

    @Test("init refused through an `error` line: gpu_driver_up 0 with the code and the remedy, as with `init`")
    func initRefused() throws {
        let fake = try FakeNVML(scenario: Self.scenario + "\nerror nvmlInit_v2 9\n")
        let snapshot = try collector(fake).read()
        #expect(snapshot.driverProblem?.hasPrefix("nvmlInit_v2 failed: NVML_ERROR_DRIVER_NOT_LOADED") == true)
        #expect(snapshot.driverProblem?.contains("lsmod") == true)
        #expect(snapshot.gpus.isEmpty)
    }

    @Test("the driver version refused: GPUs are read, gpu_driver_up is 1 without the version")
    func driverVersionRefused() throws {
        let fake = try FakeNVML(scenario: Self.scenario + "\nerror nvmlSystemGetDriverVersion 999\n")
        let snapshot = try collector(fake).read()
        #expect(snapshot.driverProblem == nil)
        #expect(snapshot.driverVersion == "")
        let driverUp = try #require(snapshot.driverSamples.first { $0.name == "gpu_driver_up" })
        #expect(driverUp.value == 1)
        #expect(driverUp.detail == nil)
        #expect(snapshot.gpus.map(\.identity.uuid) == ["GPU-0000", "GPU-1111"])
    }

    @Test("the device count refused at start: gpu_driver_up 0 with the reason, asked again like a failed init, then every GPU")
    func countRefused() throws {
        let fake = try FakeNVML(scenario: Self.scenario + "\nerror nvmlDeviceGetCount_v2 999\nat 1 error nvmlDeviceGetCount_v2 0\n")
        let collector = collector(fake)
        let first = try collector.read()
        #expect(first.gpus.isEmpty)
        #expect(first.driverProblem?.hasPrefix("nvmlDeviceGetCount_v2 failed: NVML_ERROR_UNKNOWN") == true, "\(String(describing: first.driverProblem))")
        #expect(first.driverSamples.first { $0.name == "gpu_driver_up" }?.value == 0)
        // The init of the failed attempt was let go of: inits and shutdowns stay paired.
        #expect(fake.stat("init") == fake.stat("shutdown"))
        fake.setStep(1)
        let later = try collector.read()
        #expect(later.driverProblem == nil)
        #expect(later.gpus.map(\.identity.uuid) == ["GPU-0000", "GPU-1111"])
    }

    @Test("one handle refused through an `error` line: that GPU is down with the reason, then read once the driver hands it out")
    func handleRefused() throws {
        let fake = try FakeNVML(
            scenario: Self.scenario
                + "\ngpu 1 error nvmlDeviceGetHandleByIndex_v2 999\nat 1 gpu 1 error nvmlDeviceGetHandleByIndex_v2 0\n")
        let collector = collector(fake)
        let first = try collector.read()
        #expect(first.gpus.map(\.identity.uuid) == ["GPU-0000", "GPU-unknown-1"])
        #expect(!first.gpus[1].up)
        #expect(first.gpus[1].problem?.hasPrefix("NVML_ERROR_UNKNOWN (Unknown Error): the driver counts this GPU but cannot open it") == true)
        fake.setStep(1)
        _ = try collector.read()
        let later = try collector.read()
        #expect(later.gpus.map(\.identity.uuid) == ["GPU-0000", "GPU-1111"])
        #expect(later.gpus[1].up && later.gpus[1].memoryUsed == 1_073_741_824)
    }

    @Test("every handle refused: every GPU is down, the driver is up", arguments: [15, 999])
    func allHandlesRefused(code: Int) throws {
        let fake = try FakeNVML(scenario: Self.scenario + "\nerror nvmlDeviceGetHandleByIndex_v2 \(code)\n")
        let snapshot = try collector(fake).read()
        #expect(snapshot.driverProblem == nil)
        #expect(snapshot.gpus.map(\.up) == [false, false])
        #expect(snapshot.gpus.allSatisfy { $0.problem?.hasPrefix("NVML_ERROR_") == true })
    }

    @Test(
        "shutdown refused when the collector goes away: nothing crashes, with or without an Xid event set",
        arguments: ["", "error nvmlEventSetCreate 999"])
    func shutdownRefused(extra: String) throws {
        let fake = try FakeNVML(scenario: Self.scenario + "\nerror nvmlShutdown 999\n" + extra + "\n")
        do {
            let collector = collector(fake)
            #expect(try collector.read().gpus.count == 2)
        }
        #expect(fake.stat("shutdown") == 1)
        // The library is still usable by the next collector (as after a failed shutdown on a real driver).
        #expect(try collector(fake).read().gpus.count == 2)
    }
}
