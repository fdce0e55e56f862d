import Foundation
import HeadroomCollectors
import HeadroomConfig
import HeadroomCore
import HeadroomDaemon
import HeadroomTesting
import Logging
import Testing

/// Every built-in rule fired and resolved from collector input: the daemon built as `main`
/// builds it (default rules, the configured catalog of real collectors) reads a host tree
/// of real files that the test rewrites between rounds (`collectors.root`), and GPUs through
/// the fake `libnvidia-ml.so.1`. Rounds are stamped 5 s apart by hand, so every rule keeps
/// its real hold (`for: 1m`, 10-minute leak windows, `keep_firing_for: 1h`) and the suite
/// still takes seconds. `gpu_driver_failed` and `collector_stalled` are fired from the fake
/// driver in `GPUScenarioTests`, `child_crashed` from a real child in `EntrypointTests`.
@Suite("Built-in rules from collector input")
struct BuiltinRulesTests {
    static let gib = 1024.0 * 1024 * 1024
    static let gpuTotal = 24 * gib
    static let memTotalKB = 24_684_096.0

    /// A copy of the cgroup v2 container fixture that the test rewrites in place (the
    /// collectors keep files open and read them with pread, as they do /proc).
    final class Host: @unchecked Sendable {
        let root: String
        var busy = 270_988
        var idle = 1_522_694
        var periods = 5000
        var throttled = 250
        var oomKills = 3

        init() throws {
            root = NSTemporaryDirectory() + "headroom-rules-" + UUID().uuidString
            let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("HeadroomCollectorsTests/Fixtures/hosts/cgroup-v2-container").path
            try FileManager.default.copyItem(atPath: fixture, toPath: root)
            // Quiet baseline: no pressure, no page cache in the cgroup (working set = usage).
            write("/proc/pressure/memory", Self.psi(some: 0.5, full: 0.1))
            write("/sys/fs/cgroup/memory.pressure", Self.psi(some: 0.5, full: 0.1))
            let stat = (try? String(contentsOfFile: root + "/sys/fs/cgroup/memory.stat", encoding: .utf8)) ?? ""
            write("/sys/fs/cgroup/memory.stat", stat.replacingOccurrences(of: "inactive_file 268435456", with: "inactive_file 0"))
            setMemory(usedPercent: 20)
            setContainer(usedPercent: 25)
        }

        deinit { try? FileManager.default.removeItem(atPath: root) }

        /// Rewrites a file in place (same inode), as the kernel's files change under a reader.
        func write(_ path: String, _ text: String) {
            guard let handle = FileHandle(forWritingAtPath: root + path) else {
                Issue.record("cannot open \(path)")
                return
            }
            handle.truncateFile(atOffset: 0)
            handle.write(Data(text.utf8))
            try? handle.close()
        }

        static func psi(some: Double, full: Double) -> String {
            "some avg10=\(some) avg60=\(some) avg300=\(some) total=1000\nfull avg10=\(full) avg60=\(full) avg300=\(full) total=100\n"
        }

        func setMemory(usedPercent: Double) {
            let available = Int(BuiltinRulesTests.memTotalKB * (1 - usedPercent / 100))
            write(
                "/proc/meminfo",
                """
                MemTotal:       \(Int(BuiltinRulesTests.memTotalKB)) kB
                MemFree:        \(available) kB
                MemAvailable:   \(available) kB
                Buffers:           0 kB
                Cached:            0 kB
                SwapTotal:         0 kB
                SwapFree:          0 kB

                """)
        }

        /// The container's working set as a share of its 4 GiB limit.
        func setContainer(usedPercent: Double) {
            write("/sys/fs/cgroup/memory.current", "\(Int(4 * BuiltinRulesTests.gib * usedPercent / 100))\n")
        }

        /// Advances the CPU counters by one round with `busyShare` of the jiffies busy, and
        /// the cgroup's CFS periods with `throttledShare` of them throttled.
        func advance(busyShare: Double, throttledShare: Double) {
            busy += Int(1000 * busyShare)
            idle += Int(1000 * (1 - busyShare))
            write("/proc/stat", "cpu  \(busy) 0 0 \(idle) 0 0 0 0 0 0\ncpu0 \(busy) 0 0 \(idle) 0 0 0 0 0 0\nprocs_running 1\nprocs_blocked 0\n")
            periods += 100
            throttled += Int(100 * throttledShare)
            write(
                "/sys/fs/cgroup/cpu.stat",
                """
                usage_usec 123456789
                user_usec 100000000
                system_usec 23456789
                nr_periods \(periods)
                nr_throttled \(throttled)
                throttled_usec 7500000

                """)
        }

        func oomKill() {
            oomKills += 1
            write("/sys/fs/cgroup/memory.events", "low 0\nhigh 0\nmax 12\noom \(oomKills + 1)\noom_kill \(oomKills)\noom_group_kill 0\n")
        }
    }

    /// The fake GPU's script: one step per phase, each undone by a later step (values are
    /// the result of every applicable `at` line in order).
    static func gpuScenario() -> String {
        func used(_ percent: Double) -> Int { Int(gpuTotal * percent / 100) }
        var lines = [
            "gpus 1", "gpu 0 name NVIDIA L4", "gpu 0 uuid GPU-5eed", "gpu 0 total \(Int(gpuTotal))", "gpu 0 used \(used(30))",
            "gpu 0 slowdown 90", "gpu 0 temp 40", "gpu 0 ecc_mode 1", "pname 4242 python3", "gpu 0 procs 4242:\(used(20))",
        ]
        let steps: [(Int, String)] = [
            (1, "used \(used(85))"), (2, "used \(used(30))"), // gpu_memory_high
            (3, "used \(used(96))"), (4, "used \(used(30))"), // gpu_memory_critical
            (5, "temp 87"), (6, "temp 40"), // near slowdown
            (7, "reasons 0x20"), (8, "reasons 0"), // thermal
            (9, "reasons 0x80"), (10, "reasons 0"), // power brake
            (11, "reasons 0x8"), (12, "reasons 0"), // hardware slowdown
            (13, "xid 48"), (14, "xid 13"), // Xid: hardware, application
            (15, "ecc_uncorrected 2"), // ECC
            (16, "remap_failure 1"), (17, "remap_failure 0"), // row remap
            (400, "lost"), (401, "lost 0"), // lost and back
        ]
        for (step, line) in steps { lines.append("at \(step) gpu 0 \(line)") }
        // A leak: +0.2 % of the GPU per round for the GPU and its one process, then flat.
        for index in 0..<140 {
            let grown = 20 + 0.2 * Double(index)
            lines.append("at \(100 + index) gpu 0 used \(used(10 + grown))")
            lines.append("at \(100 + index) gpu 0 procs 4242:\(used(grown))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The daemon over `host` and `fake`, rounds stamped by hand.
    final class Run: @unchecked Sendable {
        let host: Host
        let fake: FakeNVML
        let daemon: Daemon
        var time = Date(timeIntervalSince1970: 1_800_000_000)
        var busyShare = 0.1
        var throttledShare = 0.0
        /// Every notification, as `kind:rule`.
        var log: [String] = []

        init() throws {
            host = try Host()
            fake = try FakeNVML(scenario: BuiltinRulesTests.gpuScenario())
            let yaml = """
                interval: 5s
                collectors:
                  root: \(host.root)
                  disabled: [amdgpu]
                  nvml_library: \(fake.libraryPath)
                channels:
                  - type: console
                """
            let configuration = try ConfigurationLoader.load(yaml: yaml, source: "rules.yaml", environment: [:]).get().configuration
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let notifier = RecordingNotifier()
            daemon = Daemon(
                configuration: configuration,
                dependencies: Dependencies(
                    clock: ManualClock(),
                    makeFiles: { RootedSystemFiles(root: $0) },
                    environment: [:], hostname: "gpu-01", makeNotifier: { _ in notifier }), logger: logger)
        }

        /// One round 5 s after the previous one; returns its notifications as `kind:rule`.
        @discardableResult
        func tick() async -> [String] {
            host.advance(busyShare: busyShare, throttledShare: throttledShare)
            time += 5
            let out = await daemon.sampling.tick(at: time).notifications.map { "\($0.kind.rawValue):\($0.alert.rule)" }
            log += out
            return out
        }

        /// Grows a share by 0.4 % a round through `set` until `rule` fires; the seconds it took.
        func leak(_ rule: String, from start: Double, _ set: (Double) -> Void) async -> Double? {
            var used = start
            for round in 0..<150 {
                used += 0.4
                set(used)
                if await tick().contains("firing:\(rule)") { return Double(round + 1) * 5 }
            }
            return nil
        }

        /// Rounds until `event` (`firing:rule`) is seen; the seconds it took, or nil after `limit` rounds.
        func seconds(until event: String, limit: Int = 300) async -> Double? {
            let start = time
            for _ in 0..<limit {
                if await tick().contains(event) { return time.timeIntervalSince(start) }
            }
            Issue.record("\(event) not seen in \(limit) rounds; seen: \(log)")
            return nil
        }
    }

    @Test("host: cpu_overload, memory_high, memory_critical, memory_pressure, memory_pressure_stall, memory_leak fire and resolve")
    func host() async throws {
        let run = try Run()
        await run.tick()
        #expect(run.log.isEmpty, "a quiet host is silent: \(run.log)")

        run.busyShare = 0.95
        #expect(await run.seconds(until: "firing:cpu_overload") == 15) // the third breaching sample
        run.busyShare = 0.1
        #expect(await run.seconds(until: "resolved:cpu_overload") == 5)

        run.host.setMemory(usedPercent: 92)
        #expect((await run.seconds(until: "firing:memory_high")).map { $0 >= 60 } == true)
        run.host.setMemory(usedPercent: 98)
        #expect(await run.seconds(until: "firing:memory_critical") == 10) // two samples
        run.host.setMemory(usedPercent: 20)
        #expect(await run.seconds(until: "resolved:memory_critical") == 5)
        #expect(run.log.contains("resolved:memory_high"))

        run.host.write("/proc/pressure/memory", Host.psi(some: 25, full: 0.1))
        #expect((await run.seconds(until: "firing:memory_pressure")).map { $0 >= 30 } == true)
        run.host.write("/proc/pressure/memory", Host.psi(some: 25, full: 15))
        #expect((await run.seconds(until: "firing:memory_pressure_stall")).map { $0 >= 30 } == true)
        run.host.write("/proc/pressure/memory", Host.psi(some: 0.5, full: 0.1))
        #expect(await run.seconds(until: "resolved:memory_pressure_stall") == 5)
        #expect(run.log.contains("resolved:memory_pressure"))

        // A leak: +0.4 % of memory per round (4.8 %/min), full in well under 30 minutes.
        let leakAt = await run.leak("memory_leak", from: 10) { run.host.setMemory(usedPercent: $0) }
        // The fit needs half its 10-minute window before it predicts.
        #expect(leakAt.map { $0 >= 300 } == true, "memory_leak fired after \(String(describing: leakAt)) s")
        #expect((await run.seconds(until: "resolved:memory_leak", limit: 200)) != nil) // flat again
    }

    @Test("container: memory high and critical, OOM kill, CPU throttling, leak fire and resolve; a broken file is collector_failed")
    func container() async throws {
        let run = try Run()
        await run.tick()
        run.host.setContainer(usedPercent: 92)
        #expect((await run.seconds(until: "firing:container_memory_high")).map { $0 >= 30 } == true)
        run.host.setContainer(usedPercent: 98)
        #expect(await run.seconds(until: "firing:container_memory_critical") == 5)
        run.host.setContainer(usedPercent: 25)
        #expect(await run.seconds(until: "resolved:container_memory_critical") == 5)
        #expect(run.log.contains("resolved:container_memory_high"))

        run.host.oomKill()
        #expect(await run.seconds(until: "firing:container_oom_kill") == 5)
        // keep_firing_for 5m after the last kill.
        #expect((await run.seconds(until: "resolved:container_oom_kill")).map { $0 >= 300 } == true)

        run.throttledShare = 0.4
        #expect((await run.seconds(until: "firing:container_cpu_throttled")).map { $0 >= 60 } == true)
        run.throttledShare = 0
        #expect(await run.seconds(until: "resolved:container_cpu_throttled") == 5)

        let leakAt = await run.leak("container_memory_leak", from: 25) { run.host.setContainer(usedPercent: $0) }
        #expect(leakAt.map { $0 >= 300 } == true, "container_memory_leak fired after \(String(describing: leakAt)) s")
        #expect((await run.seconds(until: "resolved:container_memory_leak", limit: 200)) != nil)

        run.host.write("/sys/fs/cgroup/memory.max", "garbage\n")
        #expect(await run.seconds(until: "firing:collector_failed") == 5)
        run.host.write("/sys/fs/cgroup/memory.max", "4294967296\n")
        #expect(await run.seconds(until: "resolved:collector_failed") == 5)
    }

    @Test("GPU: memory high and critical, temperature, three throttle classes, both Xid classes, ECC, row remap, leaks, lost: fire and resolve")
    func gpu() async throws {
        let run = try Run()
        await run.tick()
        #expect(run.log.isEmpty, "\(run.log)")
        func phase(
            _ step: Int, fires rule: String, after seconds: Double, exactly: Bool = false, undo: Int?,
            resolvesWithin limit: Int = 300
        ) async {
            run.fake.setStep(step)
            let took = await run.seconds(until: "firing:\(rule)")
            if exactly {
                #expect(took == seconds, "\(rule) after \(String(describing: took)) s")
            } else {
                #expect(took.map { $0 >= seconds } == true, "\(rule) after \(String(describing: took)) s, hold \(seconds) s")
            }
            if let undo { run.fake.setStep(undo) }
            #expect(await run.seconds(until: "resolved:\(rule)", limit: limit) != nil)
        }
        await phase(1, fires: "gpu_memory_high", after: 10, undo: 2)
        await phase(3, fires: "gpu_memory_critical", after: 5, exactly: true, undo: 4)
        await phase(5, fires: "gpu_temperature_near_slowdown", after: 30, undo: 6)
        await phase(7, fires: "gpu_thermal_throttling", after: 30, undo: 8)
        await phase(9, fires: "gpu_power_throttling", after: 30, undo: 10)
        await phase(11, fires: "gpu_hardware_slowdown", after: 30, undo: 12)
        // Xid events are counted in the round after them; they keep firing 10 and 5 minutes
        // after the last one.
        await phase(13, fires: "gpu_xid_hardware", after: 0, undo: nil)
        await phase(14, fires: "gpu_xid_application", after: 0, undo: nil)
        // Uncorrectable ECC keeps firing an hour.
        await phase(15, fires: "gpu_ecc_uncorrectable", after: 0, undo: nil, resolvesWithin: 800)
        await phase(16, fires: "gpu_row_remap_failed", after: 5, exactly: true, undo: 17)
        // The leak, GPU-wide and of the one process.
        run.fake.setStep(100)
        var fired: [String: Double] = [:]
        for round in 0..<140 where fired.count < 2 {
            run.fake.setStep(100 + round)
            for event in await run.tick() where event.hasSuffix("memory_leak") && event.hasPrefix("firing:") {
                fired[event] = Double(round + 1) * 5
            }
        }
        #expect(fired["firing:gpu_memory_leak"].map { $0 >= 300 } == true, "\(fired)")
        #expect(fired["firing:gpu_process_memory_leak"].map { $0 >= 300 } == true, "\(fired)")
        #expect(await run.seconds(until: "resolved:gpu_memory_leak", limit: 200) != nil)
        await phase(400, fires: "gpu_lost", after: 5, exactly: true, undo: 401)
        #expect(!run.log.contains("firing:collector_failed"), "\(run.log)")
    }
}
