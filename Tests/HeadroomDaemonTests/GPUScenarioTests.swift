import Foundation
import HeadroomCollectors
import HeadroomCore
import HeadroomDaemon
import HeadroomTesting
import Testing

/// The seed's GPU scenarios end to end: fake libnvidia-ml.so.1 → NVML collector (built
/// from the configuration by the daemon's catalog) → built-in rules → notifications.
@Suite("GPU scenarios")
struct GPUScenarioTests {
    static let gib = 1024.0 * 1024 * 1024
    static let total = 24 * gib

    /// GPU 0 of 24 GiB; `percent` per step, plus a FaceFusion process holding most of it.
    static func scenario(_ steps: [(step: Int, percent: Double)]) -> String {
        var lines = [
            "gpus 1", "gpu 0 name NVIDIA L4", "gpu 0 uuid GPU-5eed", "gpu 0 total \(Int(total))",
            "pname 4242 /usr/bin/python3",
        ]
        for (step, percent) in steps {
            let used = Int(total * percent / 100)
            lines.append("at \(step) gpu 0 used \(used)")
            lines.append("at \(step) gpu 0 procs 4242:\(used - 512 * 1024 * 1024) 99:\(512 * 1024 * 1024)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static let proc = InMemorySystemFiles([
        "/proc/4242/comm": "python3\n",
        "/proc/4242/cmdline": "/usr/bin/python3\0facefusion.py\0",
        "/proc/4242/cgroup": "0::/system.slice/docker-0b8f1c6e2d4a7e3f9a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071.scope\n",
    ])

    static func yaml(_ fake: FakeNVML) -> String {
        """
        interval: 2s
        collectors:
          disabled: [cpu, memory, load, cgroup, pressure, amdgpu]
          nvml_library: \(fake.libraryPath)
        channels:
          - type: console
        """
    }

    @Test("70 % → 85 % warns only after 10 s held; 96 % is critical at once; 50 % resolves with peak and duration")
    func seedScenario() async throws {
        let fake = try FakeNVML(scenario: Self.scenario([(0, 70), (1, 85), (2, 96), (3, 50)]))
        let harness = try DaemonHarness(yaml: Self.yaml(fake), collectors: nil, files: Self.proc)
        func at(_ seconds: Double, step: Int) async -> [String] {
            fake.setStep(step)
            return await harness.tick(seconds).map { "\($0.kind.rawValue):\($0.alert.rule)" }
        }
        #expect(await at(0, step: 0) == [])
        #expect(await at(2, step: 0) == [])
        // 85 % from t=4: pending for 10 s.
        for t in stride(from: 4.0, through: 12, by: 2) {
            #expect(await at(t, step: 1) == [], "t=\(t)")
        }
        #expect(await at(14, step: 1) == ["firing:gpu_memory_high"])
        let warning = try #require(harness.notifier.received.last)
        #expect(warning.alert.severity == .warning)
        #expect(warning.summary.hasPrefix("gpu_memory_used_percent{gpu=\"0\"} 85.0% ≥ 80.0% for 10s"))
        // The GPU's model and UUID travel in the labels, not in the sentence.
        #expect(warning.alert.labels["name"] == "NVIDIA L4" && warning.alert.labels["uuid"]?.hasPrefix("GPU-") == true)
        // Who holds the memory, from the driver and /proc.
        #expect(warning.summary.contains("pid 4242 python3 facefusion.py holds 19.9 GiB (container 0b8f1c6e2d4a)"))
        // 96 %: critical on the first sample.
        #expect(await at(16, step: 2) == ["firing:gpu_memory_critical"])
        #expect(await at(18, step: 2) == [])
        // Back to 50 %: both resolve, with peak and duration.
        let resolved = await at(20, step: 3)
        #expect(Set(resolved) == ["resolved:gpu_memory_critical", "resolved:gpu_memory_high"])
        let critical = try #require(harness.notifier.received.first { $0.kind == .resolved && $0.alert.rule == "gpu_memory_critical" })
        #expect(critical.summary.contains("is 50.0% now (peak 96.0%), lasted 4s"))
        let high = try #require(harness.notifier.received.first { $0.kind == .resolved && $0.alert.rule == "gpu_memory_high" })
        #expect(high.summary.contains("(peak 96.0%), lasted 16s"))
    }

    @Test("a 6 s spike to 85 % stays silent")
    func spike() async throws {
        let fake = try FakeNVML(scenario: Self.scenario([(0, 50), (1, 85), (2, 50)]))
        let harness = try DaemonHarness(yaml: Self.yaml(fake), collectors: nil, files: Self.proc)
        var all: [String] = []
        for (t, step) in [(0.0, 0), (2, 0), (4, 1), (6, 1), (8, 1), (10, 2), (12, 2), (14, 2), (30, 2)] {
            fake.setStep(step)
            all += await harness.tick(t).map { "\($0.kind.rawValue):\($0.alert.rule)" }
        }
        #expect(all == [])
        #expect(harness.notifier.received.isEmpty)
    }

    @Test("a lost GPU is a critical alert within one interval")
    func lostGPU() async throws {
        let fake = try FakeNVML(scenario: Self.scenario([(0, 50)]) + "at 1 gpu 0 lost\n")
        let harness = try DaemonHarness(yaml: Self.yaml(fake), collectors: nil, files: Self.proc)
        #expect(await harness.tick(0).isEmpty)
        fake.setStep(1)
        let out = await harness.tick(2)
        #expect(out.map(\.alert.rule) == ["gpu_lost"])
        #expect(out.first?.alert.severity == .critical)
        #expect(out.first?.summary.hasPrefix("GPU 0 NVIDIA L4 (00000000:01:00.0) stopped answering: NVML_ERROR_GPU_IS_LOST") == true)
    }

    @Test(
        "a GPU the driver counts but will not hand out at start: lost and unknown raise gpu_lost within one interval, no-permission is only listed; the other GPU keeps reporting; a GPU that answers again resolves",
        arguments: [(15, "NVML_ERROR_GPU_IS_LOST"), (999, "NVML_ERROR_UNKNOWN"), (4, nil)] as [(Int, String?)])
    func unopenableAtStart(code: Int, named: String?) async throws {
        var lines = Self.scenario([(0, 50)]).split(separator: "\n").map(String.init)
        lines[0] = "gpus 2"
        lines += [
            "gpu 1 name NVIDIA L4", "gpu 1 uuid GPU-10st", "gpu 1 total \(Int(Self.total))", "gpu 1 used \(Int(Self.total / 2))",
            "gpu 1 handle_error \(code)", "at 1 gpu 1 handle_error 0",
        ]
        let fake = try FakeNVML(scenario: lines.joined(separator: "\n") + "\n")
        let harness = try DaemonHarness(yaml: Self.yaml(fake), collectors: nil, files: Self.proc)
        let first = await harness.tick(0)
        let up = harness.daemon.alerts.latestSamples.filter { $0.name == "gpu_up" }.map { "\($0.labels["gpu"] ?? "?")=\(Int($0.value))" }
        let memory = harness.daemon.alerts.latestSamples.filter { $0.name == "gpu_memory_used_percent" }.map { $0.labels["gpu"] ?? "?" }
        #expect(memory == ["0"])
        if let named {
            #expect(first.map(\.alert.rule) == ["gpu_lost"])
            let lost = try #require(first.first)
            #expect(lost.alert.severity == .critical)
            #expect(lost.alert.labels["gpu"] == "1")
            #expect(lost.summary.contains("GPU 1 NVIDIA GPU () stopped answering: \(named)"), "\(lost.summary)")
            #expect(up == ["0=1", "1=0"])
        } else {
            #expect(first.isEmpty)
            #expect(up == ["0=1"])
        }
        // The GPU answers again (reset): it is read from then on, and the alert resolves.
        fake.setStep(1)
        let second = await harness.tick(2)
        #expect(second.map { "\($0.kind.rawValue):\($0.alert.rule)" } == (named == nil ? [] : ["resolved:gpu_lost"]))
        let after = harness.daemon.alerts.latestSamples.filter { $0.name == "gpu_memory_used_percent" }.map { $0.labels["gpu"] ?? "?" }
        #expect(after == ["0", "1"])
    }

    @Test("a driver that fails init raises gpu_driver_failed with the remedy, and it resolves when init succeeds")
    func driverFailure() async throws {
        let fake = try FakeNVML(scenario: Self.scenario([(0, 50)]) + "init 18 1\n")
        let harness = try DaemonHarness(yaml: Self.yaml(fake), collectors: nil, files: Self.proc)
        let first = await harness.tick(0)
        #expect(first.map(\.alert.rule) == ["gpu_driver_failed"])
        #expect(first.first?.summary.contains("nvidia GPU driver unusable: nvmlInit_v2 failed: NVML_ERROR_LIB_RM_VERSION_MISMATCH") == true)
        #expect(first.first?.summary.contains("reboot") == true)
        let second = await harness.tick(2)
        #expect(second.map { "\($0.kind.rawValue):\($0.alert.rule)" } == ["resolved:gpu_driver_failed"])
    }

    @Test("a hung NVML call: GPU metrics absent, collector_stalled fires, other collectors answer, no threads pile up")
    func hungDriver() async throws {
        let fake = try FakeNVML(scenario: Self.scenario([(0, 50)]) + "hang_seconds 60\nat 1 gpu 0 hang memory\n")
        let cpu = ScriptedCollector(name: "cpu", samples: [Sample("cpu_used_percent", .none, 12)])
        let nvidia = NVMLCollector(libraryPath: fake.libraryPath, files: Self.proc)
        let yaml = """
            interval: 2s
            collectors:
              timeout: 1s
            channels:
              - type: console
            """
        let stalled = try DaemonHarness(yaml: yaml, collectors: [cpu, nvidia], files: Self.proc)
        let first = await stalled.daemon.sampling.tick(at: stalled.start)
        #expect(first.snapshot.samples.contains { $0.name == "gpu_memory_used_percent" })
        fake.setStep(1)
        // Once the round's thread is inside the hung call (after the CPU collector answered),
        // the budget passes.
        let second = await stalled.tickThroughHang(2, budget: .seconds(1)) {
            _ = await fake.wait(until: "hung", atLeast: 1)
        }
        #expect(second.snapshot.collectors.first { $0.collector == "nvidia" }?.outcome == .timedOut(budget: .seconds(1)))
        #expect(second.snapshot.collectors.first { $0.collector == "cpu" }?.outcome == .ok)
        #expect(!second.snapshot.samples.contains { $0.name.hasPrefix("gpu_") })
        #expect(second.snapshot.samples.contains { $0.name == "cpu_used_percent" })
        #expect(second.notifications.map(\.alert.rule) == ["collector_stalled"])
        #expect(second.notifications.first?.alert.severity == .critical)
        // Three more rounds while the call is stuck: skipped, never queued behind it.
        for round in 2..<5 {
            let summary = await stalled.daemon.sampling.tick(at: stalled.start.addingTimeInterval(Double(round) * 2))
            #expect(summary.snapshot.collectors.first { $0.collector == "nvidia" }?.outcome == .stillBusy)
        }
        #expect(fake.stat("hung") == 1)
        #expect(fake.stat("max_inflight") == 1)
        // The driver answers again: metrics return and the alert resolves (the stuck call
        // finishes on its own queue, so poll rounds, bounded).
        fake.release()
        var resolved = false
        for round in 5..<500 where !resolved {
            let summary = await stalled.daemon.sampling.tick(at: stalled.start.addingTimeInterval(Double(round) * 2))
            resolved = summary.notifications.contains { $0.kind == .resolved && $0.alert.rule == "collector_stalled" }
            if !resolved { try await Task.sleep(for: .milliseconds(2)) }
        }
        #expect(resolved)
    }
}

@Suite("GPU leak and Xid scenarios")
struct GPULeakScenarioTests {
    @Test("a process growing 120 MiB/min fires the per-process leak rule, and GPU alerts name its growth")
    func processLeak() async throws {
        let mib = 1024 * 1024
        var lines = ["gpus 1", "gpu 0 name NVIDIA L4", "gpu 0 uuid GPU-1eak", "gpu 0 total \(24 * 1024 * mib)", "pname 4242 /usr/bin/python3"]
        // One step per 30 s: +60 MiB each, from 8 GiB.
        for step in 0...40 {
            let held = 8 * 1024 * mib + step * 60 * mib
            lines.append("at \(step) gpu 0 used \(held + 256 * mib)")
            lines.append("at \(step) gpu 0 procs 4242:\(held) 99:\(256 * mib)")
        }
        let fake = try FakeNVML(scenario: lines.joined(separator: "\n") + "\n")
        let yaml = """
            interval: 30s
            collectors:
              disabled: [cpu, memory, load, cgroup, pressure, amdgpu]
              nvml_library: \(fake.libraryPath)
            channels:
              - type: console
            """
        // 16 GiB left at 120 MiB/min is ~2h: widen the horizon; warn from 30 % so a GPU alert fires too.
        let harness = try DaemonHarness(
            yaml: yaml, collectors: nil, files: GPUScenarioTests.proc,
            environment: [
                "HEADROOM_RULES_GPU_PROCESS_MEMORY_LEAK_TREND_EXHAUSTION_WITHIN": "3h",
                "HEADROOM_RULES_GPU_MEMORY_LEAK_TREND_EXHAUSTION_WITHIN": "3h",
                "HEADROOM_GPU_MEMORY_WARN_PERCENT": "36",
            ])
        for step in 0...40 {
            fake.setStep(step)
            await harness.tick(Double(step) * 30)
        }
        let leak = try #require(harness.notifier.received.first { $0.alert.rule == "gpu_process_memory_leak" })
        #expect(leak.alert.labels["pid"] == "4242")
        #expect(leak.alert.labels["command"] == "python3 facefusion.py")
        // Capacity found on the GPU's series (a subset of the process series' labels): 24 GiB.
        #expect(leak.alert.trend?.capacity == Double(24 * 1024 * mib))
        #expect(leak.summary.contains("+120.0 MiB/min"))
        // A GPU-level alert names the process and its growth.
        let high = try #require(harness.notifier.received.first { $0.alert.rule == "gpu_memory_high" })
        #expect(high.summary.contains("pid 4242 python3 facefusion.py holds"))
        #expect(high.summary.contains(", +120.0 MiB/min"))
        #expect(harness.notifier.received.contains { $0.alert.rule == "gpu_memory_leak" })
    }

    @Test("Xid 79 pages (critical), Xid 31 warns, each naming the error")
    func xid() async throws {
        let fake = try FakeNVML(scenario: GPUScenarioTests.scenario([(0, 50)]) + "at 1 gpu 0 xid 79\nat 1 gpu 0 xid 31\n")
        let harness = try DaemonHarness(yaml: GPUScenarioTests.yaml(fake), collectors: nil, files: GPUScenarioTests.proc)
        #expect(await harness.tick(0).isEmpty)
        fake.setStep(1)
        // The round drains the driver's event set: the next round counts them and fires.
        var fired: [String: String] = [:]
        for notification in await harness.tick(2) where notification.kind == .firing {
            fired[notification.alert.rule] = notification.summary
        }
        #expect(
            fired["gpu_xid_hardware"]
                == "GPU 0 NVIDIA L4 (00000000:01:00.0) reported Xid 79: GPU has fallen off the bus: a board, memory, bus or firmware fault")
        #expect(fired["gpu_xid_application"] == "GPU 0 NVIDIA L4 reported Xid 31: GPU memory page fault: usually the application's fault (a kernel crashed)")
        #expect(harness.notifier.received.first { $0.alert.rule == "gpu_xid_hardware" }?.alert.severity == .critical)
    }
}
