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

    @Test(
        "the process list refused (the call each driver generation uses): no process series, the refusal named, the GPU's other metrics stay",
        arguments: [
            (FakeNVML.Variant.current, "nvmlDeviceGetComputeRunningProcesses_v3", 999, "NVML_ERROR_UNKNOWN"),
            (.legacy, "nvmlDeviceGetComputeRunningProcesses_v2", 999, "NVML_ERROR_UNKNOWN"),
            (.current, "nvmlDeviceGetComputeRunningProcesses_v3", 4, "NVML_ERROR_NO_PERMISSION"),
        ])
    func listRefused(variant: FakeNVML.Variant, call: String, code: Int, name: String) throws {
        let fake = try FakeNVML(scenario: Self.scenario + "\ngpu 0 error \(call) \(code)\n", variant: variant)
        let snapshot = try NVMLCollector(libraryPath: fake.libraryPath, files: Self.proc).read()
        let gpus = snapshot.gpus
        #expect(gpus[0].up)
        #expect(gpus[0].memoryUsed == 1_073_741_824)
        #expect(gpus[0].processes == nil)
        #expect(!gpus[0].samples.contains { $0.name.hasPrefix("gpu_process") })
        // The GPU is not down, but the reason per-process memory is missing is said: on the
        // reading, as gpu_up's detail, and in `headroom gpus`.
        #expect(gpus[0].problem == nil)
        let problem = try #require(gpus[0].processesProblem)
        #expect(problem.hasPrefix("the driver refused the process list: \(name)"), "\(problem)")
        let up = try #require(gpus[0].samples.first { $0.name == "gpu_up" })
        #expect(up.value == 1 && up.detail == problem)
        #expect(GPUTable.render([snapshot]).contains("processes unavailable: \(problem)"))
        #expect(gpus[1].processes?.map(\.pid) == [5151])
        #expect(gpus[1].processesProblem == nil)
    }

    @Test("a process list the driver does not support reads like a driver without one: nothing to explain")
    func listNotSupported() throws {
        let fake = try FakeNVML(scenario: Self.scenario + "\ngpu 0 error nvmlDeviceGetComputeRunningProcesses_v3 3\n")
        let gpus = try NVMLCollector(libraryPath: fake.libraryPath, files: Self.proc).read().gpus
        #expect(gpus[0].processes == nil)
        #expect(gpus[0].processesProblem == nil)
        #expect(gpus[0].samples.first { $0.name == "gpu_up" }?.detail == nil)
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
