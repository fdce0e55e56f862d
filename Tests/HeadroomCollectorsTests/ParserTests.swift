import HeadroomCollectors
import HeadroomCore
import Testing

@Suite("Parsers")
struct ParserTests {
    @Test("/proc/stat: counters per core and in total, in seconds")
    func procStat() throws {
        let text = "cpu  100 5 50 1000 20 1 2 3 0 0\ncpu0 60 5 30 500 10 1 2 3 0 0\ncpu1 40 0 20 500 10 0 0 0 0 0\nctxt 99\nprocesses 7\nprocs_blocked 2\n"
        let samples = try ProcStat.parse(Array(text.utf8))
        #expect(samples.value("cpu_seconds_total", ["cpu": "all", "mode": "user"]) == 1.0)
        #expect(samples.value("cpu_seconds_total", ["cpu": "all", "mode": "steal"]) == 0.03)
        #expect(samples.value("cpu_seconds_total", ["cpu": "1", "mode": "idle"]) == 5.0)
        #expect(samples.value("cpu_count") == 2)
        #expect(samples.value("context_switches_total") == 99)
        #expect(samples.value("processes_forked_total") == 7)
        #expect(samples.value("procs_blocked") == 2)
        #expect(samples.filter { $0.name == "cpu_seconds_total" }.allSatisfy { $0.kind == .counter })
    }

    @Test("/proc/stat of an old kernel with four columns")
    func procStatOld() throws {
        let samples = try ProcStat.parse(Array("cpu 1 2 3 4\ncpu0 1 2 3 4\n".utf8))
        #expect(samples.filter { $0.name == "cpu_seconds_total" }.count == 8)
    }

    @Test("/proc/meminfo: used by MemAvailable, swap")
    func memInfo() throws {
        let text = "MemTotal: 1000 kB\nMemFree: 100 kB\nMemAvailable: 250 kB\nBuffers: 10 kB\nCached: 200 kB\nSwapTotal: 400 kB\nSwapFree: 100 kB\n"
        let samples = try MemInfo.parse(Array(text.utf8))
        #expect(samples.value("memory_total_bytes") == 1_024_000)
        #expect(samples.value("memory_used_bytes") == Double(750 * 1024))
        #expect(samples.value("memory_used_percent") == 75)
        #expect(samples.value("swap_used_percent") == 75)
        #expect(samples.value("swap_used_bytes") == Double(300 * 1024))
    }

    @Test("/proc/meminfo without MemAvailable (kernel < 3.14) estimates it; no swap, no swap percent")
    func memInfoOld() throws {
        let samples = try MemInfo.parse(Array("MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 350 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n".utf8))
        #expect(samples.value("memory_available_bytes") == Double(500 * 1024))
        #expect(samples.value("memory_used_percent") == 50)
        #expect(!samples.has("swap_used_percent"))
    }

    @Test("/proc/loadavg")
    func loadAverage() throws {
        let samples = try LoadAverage.parse(Array("0.52 0.58 12.59 3/467 12345\n".utf8))
        #expect(samples.value("load1") == 0.52)
        #expect(samples.value("load15") == 12.59)
        #expect(samples.value("processes_running") == 3)
        #expect(samples.value("processes_total") == 467)
    }

    @Test("PSI lines, with and without the cpu full line")
    func pressure() throws {
        let samples = try PressureStall.parse(Array("some avg10=1.50 avg60=2.25 avg300=0.75 total=1234567\n".utf8), labels: ["resource": "cpu"], path: "/proc/pressure/cpu")
        #expect(samples.value("pressure_avg10_percent", ["kind": "some"]) == 1.5)
        #expect(samples.value("pressure_stall_seconds_total", ["kind": "some"]) == 1.234567)
        #expect(!samples.contains { $0.labels["kind"] == "full" })
    }

    @Test("cgroup files: numbers, max, keyed files, cpu.max")
    func cgroupFiles() throws {
        #expect(try CgroupFiles.number(Array("4294967296\n".utf8), path: "memory.max") == 4_294_967_296)
        #expect(try CgroupFiles.number(Array("max\n".utf8), path: "memory.max") == nil)
        #expect(try CgroupFiles.number(Array("-1\n".utf8), path: "cpu.cfs_quota_us") == -1)
        #expect(try CgroupFiles.keyed(Array("oom 1\noom_kill 3\n".utf8), path: "memory.events") == ["oom": 1, "oom_kill": 3])
        let limited = try CgroupFiles.cpuMax(Array("50000 100000\n".utf8), path: "cpu.max")
        #expect(limited.quota == 50000 && limited.period == 100_000)
        #expect(try CgroupFiles.cpuMax(Array("max 100000\n".utf8), path: "cpu.max").quota == nil)
    }

    @Test("cgroup membership and mounts")
    func discovery() throws {
        let members = try CgroupDiscovery.memberships(Array("4:memory:/docker/x\n3:cpu,cpuacct:/docker/x\n0::/\n".utf8))
        #expect(members.map(\.controllers) == [["memory"], ["cpu", "cpuacct"], []])
        let mounts = CgroupDiscovery.mounts(Array("35 31 0:32 /docker/x /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n41 31 0:38 / /sys/fs/cgroup/unified\\040x rw - cgroup2 cgroup2 rw\n".utf8))
        #expect(mounts.count == 2)
        #expect(mounts[0].root == "/docker/x" && mounts[0].controllers == ["memory"] && !mounts[0].isUnified)
        #expect(mounts[1].mountPoint == "/sys/fs/cgroup/unified x" && mounts[1].isUnified)
    }

    // MARK: - Garbage

    static let garbage: [(String, String)] = [
        ("empty", ""),
        ("binary", "\u{0}\u{1}\u{2}\u{FF}junk"),
        ("cut mid-line", "cpu  10132153 290"),
        ("too large", "cpu 99999999999999999999999 1 1 1\nMemTotal: 99999999999999999999999 kB\n0.5 0.5 99999999999999999999999999999 1/2 3\n"),
        ("negative", "cpu -1 -2 -3 -4\nMemTotal: -5 kB\n-1 -1 -1 -1/-1 0\n"),
        ("words", "hello world\nfoo: bar baz\n"),
    ]

    @Test("every parser rejects garbage with the path in the message, never a crash", arguments: garbage.indices)
    func garbageInput(index: Int) {
        let (name, text) = Self.garbage[index]
        let bytes = Array(text.utf8)
        func expectFailure(_ label: String, _ body: () throws(CollectorError) -> Void) {
            do {
                try body()
                Issue.record("\(label) accepted \(name)")
            } catch {
                guard case .failed(let message) = error else { Issue.record("\(label): \(error)"); return }
                #expect(message.contains("/test/path"), "\(label) on \(name): \(message)")
            }
        }
        expectFailure("ProcStat") { () throws(CollectorError) in _ = try ProcStat.parse(bytes, path: "/test/path") }
        expectFailure("MemInfo") { () throws(CollectorError) in _ = try MemInfo.parse(bytes, path: "/test/path") }
        expectFailure("LoadAverage") { () throws(CollectorError) in _ = try LoadAverage.parse(bytes, path: "/test/path") }
        expectFailure("PressureStall") { () throws(CollectorError) in _ = try PressureStall.parse(bytes, labels: .none, path: "/test/path") }
        expectFailure("cpu.max") { () throws(CollectorError) in _ = try CgroupFiles.cpuMax(bytes, path: "/test/path") }
        if name != "negative" {   // "-1" is a valid single number (no quota)
            expectFailure("number") { () throws(CollectorError) in _ = try CgroupFiles.number(bytes, path: "/test/path") }
        }
    }
}
