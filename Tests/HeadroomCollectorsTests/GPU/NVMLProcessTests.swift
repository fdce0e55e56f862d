import HeadroomCollectors
import HeadroomCore
import HeadroomTesting
import Testing

@Suite("NVML processes and Xid events")
struct NVMLProcessTests {
    static let base = """
        gpus 2
        gpu 0 name NVIDIA L4
        gpu 0 uuid GPU-aaaa
        gpu 0 total 25769803776
        gpu 0 used 21474836480
        gpu 1 uuid GPU-bbbb
        pname 4242 /usr/bin/python3
        pname 5151 /opt/tritonserver/bin/tritonserver
        pname 777 /usr/bin/python3
        gpu 0 procs 4242:19541180416 5151:1073741824
        gpu 1 procs 777:2147483648
        """

    /// PIDs 4242 and 5151 are visible in /proc (host PID namespace); 777 is not.
    static let proc = InMemorySystemFiles([
        "/proc/4242/comm": "python3\n",
        "/proc/4242/cmdline": "/usr/bin/python3\0facefusion.py\0headless-run\0",
        "/proc/4242/cgroup": "0::/system.slice/docker-0b8f1c6e2d4a7e3f9a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071.scope\n",
        "/proc/5151/comm": "tritonserver\n",
        "/proc/5151/cmdline": "/opt/tritonserver/bin/tritonserver\0--model-repository=/models\0",
        "/proc/5151/cgroup":
            "12:memory:/kubepods/burstable/pod8f2e1c4a-6b3d-4e5f-9a0b-1c2d3e4f5a6b/cri-containerd-aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899\n11:cpu,cpuacct:/x\n",
    ])

    @Test("processes are listed by memory with command line, cgroup and container id")
    func attribution() throws {
        let fake = try FakeNVML(scenario: Self.base)
        let snapshot = try NVMLCollector(libraryPath: fake.libraryPath, files: Self.proc).read()
        let processes = try #require(snapshot.gpus[0].processes)
        #expect(processes.map(\.pid) == [4242, 5151])
        #expect(processes[0].command == "python3 facefusion.py headless-run")
        #expect(processes[0].usedBytes == 19_541_180_416)
        #expect(processes[0].cgroup == "/system.slice/docker-0b8f1c6e2d4a7e3f9a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071.scope")
        #expect(processes[0].container == "0b8f1c6e2d4a")
        #expect(processes[1].container == "aabbccddeeff")
        #expect(processes[1].cgroup?.hasPrefix("/kubepods/burstable/pod8f2e1c4a-") == true)
        #expect(processes[1].podUID == "8f2e1c4a-6b3d-4e5f-9a0b-1c2d3e4f5a6b")
        #expect(processes[0].podUID == nil)
        #expect(snapshot.gpus[0].attributionProblem == nil)
        let series = snapshot.gpus[0].samples.filter { $0.name == "gpu_process_memory_used_bytes" }
        #expect(series.map { $0.labels["pid"]! } == ["4242", "5151"])
        #expect(series[0].labels["command"] == "python3 facefusion.py headless-run")
        #expect(series[0].labels["container"] == "0b8f1c6e2d4a")
        #expect(series[0].labels["uuid"] == "GPU-aaaa")
        #expect(snapshot.gpus[0].samples.first { $0.name == "gpu_processes" }?.value == 2)
    }

    @Test(
        "pod UIDs are found under both kubelet cgroup drivers",
        arguments: [
            (
                "/kubepods/burstable/pod8f2e1c4a-6b3d-4e5f-9a0b-1c2d3e4f5a6b/0b8f1c6e2d4a7e3f9a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071",
                "8f2e1c4a-6b3d-4e5f-9a0b-1c2d3e4f5a6b"
            ),
            (
                "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod8f2e1c4a_6b3d_4e5f_9a0b_1c2d3e4f5a6b.slice/cri-containerd-aa.scope",
                "8f2e1c4a-6b3d-4e5f-9a0b-1c2d3e4f5a6b"
            ),
            ("/system.slice/docker-0b8f1c6e2d4a.scope", nil),
            ("/kubepods/podnotauid/x", nil),
        ] as [(String, String?)])
    func podUID(path: String, expected: String?) throws {
        let fake = try FakeNVML(scenario: "gpus 1\ngpu 0 procs 4242:1024\npname 4242 /usr/bin/python3\n")
        let files = InMemorySystemFiles(["/proc/4242/comm": "python3\n", "/proc/4242/cgroup": "0::\(path)\n"])
        let process = try #require(try NVMLCollector(libraryPath: fake.libraryPath, files: files).read().gpus[0].processes?.first)
        #expect(process.podUID == expected)
        #expect(
            try NVMLCollector(libraryPath: fake.libraryPath, files: files).collect()
                .first { $0.name == "gpu_process_memory_used_bytes" }?.labels["pod_uid"] == expected)
    }

    @Test("a PID not visible here keeps the driver's name and says why attribution is unavailable")
    func hiddenPID() throws {
        let fake = try FakeNVML(scenario: Self.base)
        let snapshot = try NVMLCollector(libraryPath: fake.libraryPath, files: Self.proc).read()
        let processes = try #require(snapshot.gpus[1].processes)
        #expect(processes.map(\.command) == ["python3"])
        #expect(processes[0].cgroup == nil && processes[0].container == nil)
        #expect(snapshot.gpus[1].attributionProblem?.contains("--pid=host") == true)
        #expect(snapshot.gpus[1].samples.first { $0.name == "gpu_processes" }?.detail?.contains("hostPID: true") == true)
    }

    @Test("a PID not visible here is looked up again every tenth read, a visible one at every read")
    func hiddenPIDLookedUpSeldom() throws {
        let fake = try FakeNVML(scenario: Self.base)
        let files = SwitchableFiles(Self.proc)
        let collector = NVMLCollector(libraryPath: fake.libraryPath, files: files)
        for _ in 0..<100 { _ = try collector.read() }
        // A visible PID's comm at every read: a reused PID is noticed at once.
        #expect(files.reads(of: "/proc/4242/comm") == 100)
        #expect(files.reads(of: "/proc/777/comm") == 10)
        // The cached description stands meanwhile.
        #expect(try collector.read().gpus[1].attributionProblem?.contains("--pid=host") == true)
        // Once it is visible (the host's /proc mounted under Headroom), within ten reads.
        var visible = Self.proc
        visible.contents["/proc/777/comm"] = Array("python3\n".utf8)
        visible.contents["/proc/777/cmdline"] = Array("/usr/bin/python3\0serve.py\0".utf8)
        files.replace(visible)
        // Read up to twice the bound, so a lag past it shows as a count, not a missing name.
        var reads = 0
        var command: String?
        while reads < 20, command != "python3 serve.py" {
            command = try collector.read().gpus[1].processes?.first?.command
            reads += 1
        }
        #expect(command == "python3 serve.py")
        #expect(reads <= 10)
    }

    @Test("a process on several GPUs is described once a round, and listed on each")
    func processOnTwoGPUs() throws {
        let fake = try FakeNVML(scenario: Self.base + "\ngpu 1 procs 4242:1073741824 777:2147483648\n")
        let files = SwitchableFiles(Self.proc)
        let collector = NVMLCollector(libraryPath: fake.libraryPath, files: files)
        var snapshot = try collector.read()
        for _ in 1..<20 { snapshot = try collector.read() }
        #expect(files.reads(of: "/proc/4242/comm") == 20)
        #expect(files.reads(of: "/proc/777/comm") == 2)
        #expect(snapshot.gpus[0].processes?.first?.command == "python3 facefusion.py headless-run")
        #expect(snapshot.gpus[1].processes?.map(\.command) == ["python3", "python3 facefusion.py headless-run"])
        #expect(snapshot.gpus[1].processes?.last?.container == "0b8f1c6e2d4a")
    }

    @Test("a PID that exists here but is another process (another PID namespace) is not attributed")
    func pidOfAnotherNamespace() throws {
        let fake = try FakeNVML(scenario: Self.base)
        var files = Self.proc
        files.contents["/proc/777/comm"] = Array("bash\n".utf8)
        files.contents["/proc/777/cgroup"] = Array("0::/\n".utf8)
        let processes = try #require(try NVMLCollector(libraryPath: fake.libraryPath, files: files).read().gpus[1].processes)
        #expect(processes[0].command == "python3")
        #expect(processes[0].cgroup == nil)
    }

    @Test("a process list that grows between the size query and the fill is read whole", arguments: [3, 12])
    func growingList(extra: Int) throws {
        // 2 processes: the first fill offers 2·2+5 = 9 slots; 12 more need a second round.
        let fake = try FakeNVML(scenario: Self.base + "\ngpu 0 grow \(extra)\n")
        let snapshot = try NVMLCollector(libraryPath: fake.libraryPath, files: Self.proc).read()
        let processes = try #require(snapshot.gpus[0].processes)
        #expect(processes.count == 2 + extra)
        #expect(processes.prefix(2).map(\.pid) == [4242, 5151])
        #expect(fake.stat("process_calls") == (extra > 7 ? 5 : 4)) // per GPU: size query + fills
    }

    @Test("Xid events are counted in the first round after them, by class, with the meaning in the detail")
    func xid() throws {
        let fake = try FakeNVML(scenario: Self.base + "\nat 1 gpu 1 xid 79\nat 1 gpu 0 xid 31\nat 2 gpu 0 xid 31\n")
        let collector = NVMLCollector(libraryPath: fake.libraryPath, files: Self.proc)
        let first = try collector.collect()
        func count(_ samples: [Sample], gpu: String, _ kind: String) -> Sample? {
            samples.first { $0.name == "gpu_xid_errors_total" && $0.labels["gpu"] == gpu && $0.labels["class"] == kind }
        }
        // Counters exist from the start, at zero, so the first Xid is an increase.
        #expect(count(first, gpu: "1", "hardware")?.value == 0)
        #expect(count(first, gpu: "0", "application")?.value == 0)
        fake.setStep(1)
        let second = try collector.collect()
        #expect(count(second, gpu: "1", "hardware")?.value == 1)
        #expect(count(second, gpu: "1", "hardware")?.detail == "Xid 79: GPU has fallen off the bus")
        #expect(count(second, gpu: "0", "application")?.value == 1)
        fake.setStep(2)
        let samples = try collector.collect()
        #expect(count(samples, gpu: "1", "hardware")?.value == 1)
        #expect(count(samples, gpu: "0", "application")?.value == 2)
        #expect(count(samples, gpu: "0", "application")?.detail == "Xid 31: GPU memory page fault")
        #expect(count(samples, gpu: "0", "hardware")?.value == 0)
        #expect(samples.first { $0.name == "gpu_last_xid" && $0.labels["gpu"] == "1" }?.value == 79)
    }

    @Test("the event set is drained by the round with waits that answer at once: one wait a quiet round, one more per event, none between rounds")
    func xidDrainedByTheRound() throws {
        let fake = try FakeNVML(scenario: Self.base + "\nat 1 gpu 1 xid 79\nat 1 gpu 0 xid 31\nat 1 gpu 0 xid 13\n")
        let collector = NVMLCollector(libraryPath: fake.libraryPath, files: Self.proc)
        for _ in 0..<3 { _ = try collector.read() }
        #expect(fake.stat("event_waits") == 3)
        fake.setStep(1)
        #expect(fake.stat("event_waits") == 3)
        let snapshot = try collector.read()
        #expect(snapshot.gpus[0].xidCounts?["application"] == 2)
        #expect(snapshot.gpus[0].lastXid == 13)
        #expect(snapshot.gpus[1].xidCounts?["hardware"] == 1)
        #expect(fake.stat("event_waits") == 3 + 4)
        #expect(fake.stat("longest_event_wait_ms") == 0)
    }

    @Test("a storm of Xid events: a round takes at most 1,024 and the next round the rest, none lost")
    func xidDrainCapped() throws {
        let storm = String(repeating: "at 1 gpu 0 xid 79\n", count: 1100)
        let fake = try FakeNVML(scenario: Self.base + "\n" + storm)
        let collector = NVMLCollector(libraryPath: fake.libraryPath, files: Self.proc)
        _ = try collector.read()
        let waits = fake.stat("event_waits")
        fake.setStep(1)
        let first = try collector.read()
        #expect(first.gpus[0].xidCounts?["hardware"] == 1024)
        #expect(fake.stat("event_waits") == waits + 1024, "the cap ends the drain, not an empty set")
        let second = try collector.read()
        #expect(second.gpus[0].xidCounts?["hardware"] == 1100)
        #expect(fake.stat("event_waits") == waits + 1024 + 77, "the other 76, then the empty set")
    }
}
