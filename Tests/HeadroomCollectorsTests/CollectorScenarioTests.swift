import Foundation
import HeadroomCollectors
import HeadroomCore
import HeadroomTesting
import Testing

@Suite("Collectors on fixture hosts")
struct CollectorScenarioTests {
    static func collect(_ scenario: String, _ name: String) throws(CollectorError) -> [Sample] {
        let collectors = CollectorCatalog.make(settings: CollectorSettings(), files: FixtureHosts.files(scenario))
        return try collectors.first { $0.name == name }!.collect()
    }

    @Test("cgroup v2 container with limits")
    func v2Container() throws {
        let samples = try Self.collect("cgroup-v2-container", "cgroup")
        let labels = ["cgroup": "/", "version": "v2"]
        #expect(samples.allSatisfy { $0.labels == Labels(labels) })
        #expect(samples.value("container_memory_usage_bytes") == 3_221_225_472)
        // Working set = usage − inactive_file = 3 GiB − 256 MiB.
        #expect(samples.value("container_memory_working_set_bytes") == Double(3_221_225_472 - 268_435_456))
        #expect(samples.value("container_memory_limited") == 1)
        #expect(samples.value("container_memory_limit_bytes") == 4_294_967_296)
        #expect(samples.value("container_memory_used_percent") == 68.75)
        #expect(samples.value("container_oom_kills_total") == 3)
        #expect(samples.value("container_oom_events_total") == 4)
        #expect(samples.value("container_memory_max_events_total") == 12)
        #expect(samples.value("container_cpu_usage_seconds_total") == 123.456789)
        #expect(samples.value("container_cpu_limit_cores") == 2)
        #expect(samples.value("container_cpu_throttled_periods_total") == 250)
        #expect(samples.value("container_cpu_throttled_seconds_total") == 7.5)
        #expect(samples.value("container_pids_current") == 42)
        #expect(samples.value("container_pids_limit") == 1024)
        let counters = Set(samples.filter { $0.kind == .counter }.map(\.name))
        #expect(counters.contains("container_oom_kills_total") && counters.contains("container_cpu_usage_seconds_total"))
    }

    @Test("cgroup v2 container: host and container pressure")
    func v2Pressure() throws {
        let samples = try Self.collect("cgroup-v2-container", "pressure")
        #expect(samples.value("pressure_avg10_percent", ["resource": "memory", "kind": "some", "scope": "host"]) == 12.5)
        #expect(samples.value("pressure_avg10_percent", ["resource": "memory", "kind": "full", "scope": "container"]) == 15)
        #expect(samples.value("pressure_stall_seconds_total", ["resource": "cpu", "kind": "some", "scope": "container"]) == 4)
        #expect(samples.filter { $0.labels["scope"] == "container" }.allSatisfy { $0.labels["cgroup"] == "/" })
    }

    @Test("cgroup v1 container with limits (mount roots are the container's sub-tree)")
    func v1Container() throws {
        let samples = try Self.collect("cgroup-v1-container", "cgroup")
        #expect(samples.allSatisfy { $0.labels == Labels(["cgroup": "/docker/abc123", "version": "v1"]) })
        #expect(samples.value("container_memory_usage_bytes") == 1_610_612_736)
        #expect(samples.value("container_memory_working_set_bytes") == Double(1_610_612_736 - 536_870_912))
        #expect(samples.value("container_memory_limit_bytes") == 2_147_483_648)
        #expect(samples.value("container_memory_used_percent") == 50)
        #expect(samples.value("container_oom_kills_total") == 2)
        #expect(samples.value("container_cpu_usage_seconds_total") == 98.7654321)
        #expect(samples.value("container_cpu_limit_cores") == 1.5)
        #expect(samples.value("container_cpu_periods_total") == 1000)
        #expect(samples.value("container_cpu_throttled_seconds_total") == 2.5)
        #expect(samples.value("container_pids_current") == 17)
        #expect(!samples.has("container_pids_limit"))   // "max"
    }

    @Test("hybrid host like this machine: no limit is said, not a percentage of infinity")
    func hybrid() throws {
        let samples = try Self.collect("hybrid-host", "cgroup")
        #expect(samples.value("container_memory_limited") == 0)
        #expect(!samples.has("container_memory_used_percent"))
        #expect(!samples.has("container_memory_limit_bytes"))
        #expect(samples.value("container_memory_working_set_bytes") == Double(734_003_200 - 209_715_200))
        #expect(samples.first?.labels["cgroup"] == "/process_api/10e7775c")
        // cpu and cpuacct sit at their hierarchy roots: the host, not a container.
        #expect(!samples.has("container_cpu_usage_seconds_total"))
        // Unified root: no container PSI, only host PSI.
        let pressure = try Self.collect("hybrid-host", "pressure")
        #expect(pressure.allSatisfy { $0.labels["scope"] == "host" })
        #expect(pressure.count == 24)
    }

    @Test("a kernel without PSI is unavailable with the remedy")
    func noPSI() {
        #expect(throws: CollectorError.self) { try Self.collect("no-psi-kernel", "pressure") }
        do {
            _ = try Self.collect("no-psi-kernel", "pressure")
        } catch {
            guard case .unavailable(let reason) = error else { Issue.record("expected unavailable, got \(error)"); return }
            #expect(reason.contains("CONFIG_PSI") && reason.contains("psi=1"))
        }
    }

    @Test("PSI files that refuse reads (EOPNOTSUPP, psi=0) are unavailable too")
    func psiDisabled() {
        let files = InMemorySystemFiles(["/proc/pressure/cpu": "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"], unsupported: ["/proc/pressure/memory"])
        do {
            _ = try PressureCollector(files: files).collect()
            Issue.record("expected unavailable")
        } catch {
            guard case .unavailable = error else { Issue.record("expected unavailable, got \(error)"); return }
        }
    }

    @Test("v2 container without limits")
    func v2Unlimited() throws {
        let samples = try Self.collect("no-psi-kernel", "cgroup")
        #expect(samples.value("container_memory_limited") == 0)
        #expect(samples.value("container_cpu_limited") == 0)
        #expect(!samples.has("container_cpu_limit_cores"))
        #expect(samples.first?.labels["cgroup"] == "/app.slice/inference.service")
    }

    @Test("bare host: the root cgroup is not a container")
    func bareHost() throws {
        #expect(throws: CollectorError.self) { try Self.collect("bare-host", "cgroup") }
        let pressure = try Self.collect("bare-host", "pressure")
        #expect(pressure.allSatisfy { $0.labels["scope"] == "host" })
    }

    @Test("host collectors read the fixture's /proc", arguments: ["cgroup-v2-container", "cgroup-v1-container", "hybrid-host", "no-psi-kernel", "bare-host"])
    func hostCollectors(scenario: String) throws {
        let cpu = try Self.collect(scenario, "cpu")
        #expect(cpu.value("cpu_count") == 2)
        #expect(cpu.value("cpu_seconds_total", ["cpu": "all", "mode": "user"]) == 101_321.53)
        let memory = try Self.collect(scenario, "memory")
        #expect(memory.value("memory_total_bytes") == Double(16_310_548 * 1024))
        #expect(memory.value("memory_available_bytes") == Double(8_152_312 * 1024))
        let load = try Self.collect(scenario, "load")
        #expect(load.value("load5") == 0.58)
    }

    @Test("a missing /proc is a clear failure naming the path")
    func missingProc() {
        let files = RootedSystemFiles(root: "/nonexistent-root")
        do {
            _ = try ProcFileCollector.cpu(files: files).collect()
            Issue.record("expected a failure")
        } catch {
            #expect(error.description.contains("/nonexistent-root/proc/stat"))
        }
    }

    @Test("a garbage cgroup file fails the collector with the file's path")
    func garbageCgroup() {
        let files = InMemorySystemFiles([
            "/proc/self/cgroup": "0::/x\n",
            "/sys/fs/cgroup/cgroup.controllers": "memory\n",
            "/sys/fs/cgroup/x/cgroup.type": "domain\n",
            "/sys/fs/cgroup/x/memory.current": "12345\n",
            "/sys/fs/cgroup/x/memory.max": "lots\n",
        ])
        do {
            _ = try CgroupCollector(files: files).collect()
            Issue.record("expected a failure")
        } catch {
            #expect(error.description.contains("/sys/fs/cgroup/x/memory.max"))
            #expect(error.description.contains("lots"))
        }
    }
}

@Suite("Collectors on this real machine")
struct RealMachineTests {
    @Test("every collector reads this host and the values are plausible")
    func realHost() throws {
        let files = RootedSystemFiles(root: "/")
        let cpu = try ProcFileCollector.cpu(files: files).collect()
        #expect(cpu.value("cpu_count") == Double(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let memory = try ProcFileCollector.memory(files: files).collect()
        let total = try #require(memory.value("memory_total_bytes"))
        let available = try #require(memory.value("memory_available_bytes"))
        #expect(total > 0 && available <= total)
        let load = try ProcFileCollector.load(files: files).collect()
        #expect((load.value("processes_total") ?? 0) >= 1)
        // The cgroup: this machine is a v1/hybrid host; elsewhere it may be v2 or unavailable.
        do {
            let cgroup = try CgroupCollector(files: files).collect()
            #expect(!cgroup.isEmpty)
            let version = cgroup.first?.labels["version"]
            #expect(version == "v1" || version == "v2")
            if FileManager.default.fileExists(atPath: "/sys/fs/cgroup/memory/memory.usage_in_bytes") {
                #expect(version == "v1")
            }
        } catch {
            guard case .unavailable = error else { throw error }
        }
        if FileManager.default.fileExists(atPath: "/proc/pressure/memory") {
            let pressure = try PressureCollector(files: files).collect()
            #expect(pressure.contains { $0.labels["scope"] == "host" && $0.labels["resource"] == "memory" })
        }
    }

    @Test("two reads of kept-open /proc files both see fresh content")
    func keptOpen() throws {
        let files = RootedSystemFiles(root: "/")
        let first = try #require(try files.read("/proc/stat"))
        var second: [UInt8] = first
        // /proc/stat's ctxt counter moves with every context switch; spin a few times.
        for _ in 0..<1000 where second == first {
            second = try #require(try files.read("/proc/stat"))
        }
        #expect(second != first)
        #expect(try files.read("/proc/does-not-exist") == nil)
    }
}
