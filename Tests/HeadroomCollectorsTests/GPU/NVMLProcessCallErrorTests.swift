import HeadroomCollectors
import HeadroomCore
import HeadroomTesting
import Testing

/// The process-list calls and the process-name call, failed by the fake's `error` lines.
@Suite("NVML process calls failing")
struct NVMLProcessCallErrorTests {
    static let scenario = """
        gpus 2
        gpu 0 used 1073741824
        gpu 0 procs 4242:1024 777:2048
        gpu 1 procs 5151:4096
        pname 4242 /usr/bin/python3
        pname 777 /usr/bin/python3
        pname 5151 /usr/bin/python3
        """

    /// 4242 is visible in /proc; 777 and 5151 are not (another PID namespace's view).
    static let proc = InMemorySystemFiles(["/proc/4242/comm": "python3\n", "/proc/4242/cmdline": "python3\0serve.py\0"])

    @Test("the process list refused (the call each driver generation uses): no process series, the GPU's other metrics stay",
          arguments: [
              (FakeNVML.Variant.current, "nvmlDeviceGetComputeRunningProcesses_v3"),
              (.legacy, "nvmlDeviceGetComputeRunningProcesses_v2"),
          ])
    func listRefused(variant: FakeNVML.Variant, call: String) throws {
        let fake = try FakeNVML(scenario: Self.scenario + "\ngpu 0 error \(call) 999\n", variant: variant)
        let gpus = try NVMLCollector(libraryPath: fake.libraryPath, files: Self.proc).read().gpus
        #expect(gpus[0].up)
        #expect(gpus[0].memoryUsed == 1_073_741_824)
        #expect(gpus[0].processes == nil)
        #expect(!gpus[0].samples.contains { $0.name.hasPrefix("gpu_process") })
        // Not named anywhere: a refused list reads like a driver without one.
        #expect(gpus[0].problem == nil)
        #expect(gpus[1].processes?.map(\.pid) == [5151])
    }

    @Test("process names refused: a visible PID is named from /proc, a hidden one by its number")
    func namesRefused() throws {
        let fake = try FakeNVML(scenario: Self.scenario + "\nerror nvmlSystemGetProcessName 999\n")
        let gpus = try NVMLCollector(libraryPath: fake.libraryPath, files: Self.proc).read().gpus
        let processes = try #require(gpus[0].processes)
        #expect(processes.map(\.pid) == [777, 4242])
        #expect(processes.map(\.command) == ["pid 777", "python3 serve.py"])
        #expect(gpus[1].processes?.map(\.command) == ["pid 5151"])
    }
}
