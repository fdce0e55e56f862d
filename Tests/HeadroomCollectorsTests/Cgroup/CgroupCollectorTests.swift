import HeadroomCollectors
import HeadroomCore
import HeadroomTesting
import Testing

@Suite("CgroupCollector")
struct CgroupCollectorTests {
    static let v2: [String: String] = [
        "/proc/self/cgroup": "0::/x\n",
        "/sys/fs/cgroup/cgroup.controllers": "cpu memory pids\n",
        "/sys/fs/cgroup/x/cgroup.type": "domain\n",
        "/sys/fs/cgroup/x/memory.current": "600\n",
        "/sys/fs/cgroup/x/memory.max": "1000\n",
        "/sys/fs/cgroup/x/cpu.stat": "usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n",
        "/sys/fs/cgroup/x/cpu.max": "max 100000\n",
    ]
    static let labels: Labels = ["cgroup": "/x", "version": "v2"]

    static func collect(_ files: [String: String], cgroupPath: String? = nil) throws(CollectorError) -> [Sample] {
        try CgroupCollector(files: InMemorySystemFiles(files), cgroupPath: cgroupPath).collect()
    }

    @Test("optional files missing (memory.stat, memory.events, pids): the rest is still reported")
    func optionalMissing() throws {
        #expect(
            try Self.collect(Self.v2) == [
                gauge("container_memory_usage_bytes", Self.labels, 600),
                gauge("container_memory_working_set_bytes", Self.labels, 600),
                gauge("container_memory_limited", Self.labels, 1),
                gauge("container_memory_limit_bytes", Self.labels, 1000),
                gauge("container_memory_used_percent", Self.labels, 60),
                counter("container_cpu_usage_seconds_total", Self.labels, 2.5),
                gauge("container_cpu_limited", Self.labels, 0),
            ])
    }

    @Test("memory controller not enabled for the cgroup: CPU alone; cpu controller off: no quota can apply")
    func controllerOff() throws {
        var files = Self.v2
        files["/sys/fs/cgroup/x/memory.current"] = nil
        files["/sys/fs/cgroup/x/memory.max"] = nil
        files["/sys/fs/cgroup/x/cpu.max"] = nil
        #expect(
            try Self.collect(files) == [
                counter("container_cpu_usage_seconds_total", Self.labels, 2.5),
                gauge("container_cpu_limited", Self.labels, 0),
            ])
    }

    @Test("a v1 limit above the host's RAM is no limit")
    func aboveRAM() throws {
        let samples = try Self.collect([
            "/proc/self/cgroup": "4:memory:/a\n",
            "/proc/meminfo": "MemTotal: 1024 kB\nMemFree: 512 kB\n",
            "/sys/fs/cgroup/memory/a/memory.usage_in_bytes": "4096\n",
            "/sys/fs/cgroup/memory/a/memory.limit_in_bytes": "2097152\n",
        ])
        #expect(samples.value("container_memory_limited") == 0)
        #expect(!samples.has("container_memory_used_percent"))
    }

    @Test("v1 quota without its period: the quota is left out rather than guessed")
    func quotaWithoutPeriod() throws {
        let samples = try Self.collect([
            "/proc/self/cgroup": "3:cpu,cpuacct:/a\n",
            "/sys/fs/cgroup/cpu,cpuacct/a/cpuacct.usage": "1500000000\n",
            "/sys/fs/cgroup/cpu,cpuacct/a/cpu.cfs_quota_us": "50000\n",
        ])
        #expect(samples == [counter("container_cpu_usage_seconds_total", ["cgroup": "/a", "version": "v1"], 1.5)])
    }

    @Test("a garbled file fails the whole collector, naming the file and the bad value")
    func garbled() {
        var files = Self.v2
        files["/sys/fs/cgroup/x/memory.max"] = "lots\n"
        let error = failure { () throws(CollectorError) in try CgroupCollector(files: InMemorySystemFiles(files, root: "/host")).collect() }
        #expect(error?.hasPrefix("/host/sys/fs/cgroup/x/memory.max: ") == true && error?.contains("\"lots\"") == true, "\(error ?? "accepted")")
    }

    @Test("an unreadable file fails with the reason")
    func unreadable() {
        let error = failure { () throws(CollectorError) in
            try CgroupCollector(files: InMemorySystemFiles(Self.v2, unreadable: ["/sys/fs/cgroup/x/cpu.stat"])).collect()
        }
        #expect(error == "cannot read /sys/fs/cgroup/x/cpu.stat: Permission denied")
    }

    @Test("no /proc/self/cgroup: unavailable")
    func noCgroup() {
        guard case .unavailable = caught({ () throws(CollectorError) in try Self.collect(["/proc/stat": "cpu 1 1 1 1\n"]) }) else {
            Issue.record("expected unavailable")
            return
        }
    }

    @Test("the cgroup is removed and the process moved: the next read rediscovers it")
    func rediscovers() throws {
        let files = SwitchableFiles(InMemorySystemFiles(Self.v2))
        let collector = CgroupCollector(files: files)
        #expect(try collector.collect().value("container_memory_usage_bytes") == 600)
        var moved = Self.v2.filter { !$0.key.hasPrefix("/sys/fs/cgroup/x/") }
        moved["/proc/self/cgroup"] = "0::/y\n"
        moved["/sys/fs/cgroup/y/cgroup.type"] = "domain\n"
        moved["/sys/fs/cgroup/y/memory.current"] = "700\n"
        moved["/sys/fs/cgroup/y/cpu.stat"] = "usage_usec 1\n"
        files.replace(InMemorySystemFiles(moved))
        let samples = try collector.collect()
        #expect(samples.value("container_memory_usage_bytes") == 700)
        #expect(samples.allSatisfy { $0.labels["cgroup"] == "/y" })
    }

    @Test("cgroup_path watches another cgroup than this process's own")
    func override() throws {
        var files = Self.v2
        files["/sys/fs/cgroup/other/cgroup.type"] = "domain\n"
        files["/sys/fs/cgroup/other/memory.current"] = "5\n"
        let samples = try Self.collect(files, cgroupPath: "/other")
        #expect(samples.value("container_memory_usage_bytes") == 5)
        #expect(samples.first?.labels == ["cgroup": "/other", "version": "v2"])
    }
}
