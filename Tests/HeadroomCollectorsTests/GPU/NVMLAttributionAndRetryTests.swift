import Foundation
import HeadroomCollectors
import HeadroomCore
import HeadroomTesting
import Testing

/// What the README claims about process attribution across container runtimes, a process
/// list the driver will not give, and how often a missing library or a failing init is
/// tried again — each through the fake driver on the production path.
@Suite("NVML attribution, refusals and retries")
struct NVMLAttributionAndRetryTests {
    static let id = "0b8f1c6e2d4a7e3f9a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071"

    @Test(
        "the container id is found under every runtime's cgroup naming",
        arguments: [
            "/system.slice/docker-\(id).scope", // docker, systemd driver
            "/docker/\(id)", // docker, cgroupfs driver
            "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/cri-containerd-\(id).scope", // containerd
            "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod2.slice/crio-\(id).scope", // CRI-O
            "/machine.slice/libpod-\(id).scope", // podman
            "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-\(id).scope/container", // rootless podman
        ])
    func runtimes(path: String) throws {
        let fake = try FakeNVML(scenario: "gpus 1\ngpu 0 procs 4242:1024\npname 4242 /usr/bin/python3\n")
        let files = InMemorySystemFiles(["/proc/4242/comm": "python3\n", "/proc/4242/cgroup": "0::\(path)\n"])
        let process = try #require(try NVMLCollector(libraryPath: fake.libraryPath, files: files).read().gpus[0].processes?.first)
        #expect(process.container == "0b8f1c6e2d4a")
        #expect(process.cgroup == path)
    }

    @Test("a process list the driver does not support: the GPU's other metrics stay, no process series")
    func processesUnsupported() throws {
        let fake = try FakeNVML(scenario: "gpus 1\ngpu 0 used 1073741824\ngpu 0 procs 4242:1024\ngpu 0 unsupported processes\n")
        let snapshot = try NVMLCollector(libraryPath: fake.libraryPath, files: InMemorySystemFiles([:])).read()
        let gpu = try #require(snapshot.gpus.first)
        #expect(gpu.up)
        #expect(gpu.memoryUsed == 1_073_741_824)
        #expect(gpu.processes == nil)
        #expect(!gpu.samples.contains { $0.name == "gpu_process_memory_used_bytes" })
    }

    @Test("a failing init is retried after 1, 2, 4 … 64 rounds, never less often than every 64")
    func initBackoffCap() throws {
        let fake = try FakeNVML(scenario: "gpus 1\ninit 18\n")
        let collector = NVMLCollector(libraryPath: fake.libraryPath, files: InMemorySystemFiles([:]))
        var attempts: [Int] = []
        for round in 1...400 {
            let before = fake.stat("init")
            let snapshot = try collector.read()
            #expect(snapshot.driverProblem?.contains("NVML_ERROR_LIB_RM_VERSION_MISMATCH") == true)
            if fake.stat("init") > before { attempts.append(round) }
        }
        #expect(attempts == [1, 2, 4, 8, 16, 32, 64, 128, 192, 256, 320, 384])
    }

    @Test("no library: looked for again every 60 rounds, and found once it appears")
    func researchesLibrary() throws {
        let directory = NSTemporaryDirectory() + "headroom-nvml-search-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fake = try FakeNVML(scenario: "gpus 1\ngpu 0 used 1073741824\n")
        let collector = NVMLCollector(libraryPath: nil, files: InMemorySystemFiles([:]), directories: [directory])
        var firstSeen: Int?
        for round in 1...130 where firstSeen == nil {
            if round == 10 {
                // The driver is installed while the daemon runs.
                try FileManager.default.copyItem(atPath: fake.libraryPath, toPath: directory + "/libnvidia-ml.so.1")
                try FileManager.default.copyItem(atPath: fake.directory + "/fake-nvml.scenario", toPath: directory + "/fake-nvml.scenario")
            }
            do {
                if try !collector.read().gpus.isEmpty { firstSeen = round }
            } catch {
                guard case .unavailable = error else {
                    Issue.record("round \(round): \(error)")
                    return
                }
            }
        }
        #expect(firstSeen == 61)
    }
}
