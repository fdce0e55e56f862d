import HeadroomCollectors
import HeadroomCore
import Testing

@Suite("CgroupReading")
struct CgroupReadingTests {
    static let labels: Labels = ["cgroup": "/a", "version": "v2"]

    @Test("limited: limit, and working set as a percentage of it")
    func limited() {
        var reading = CgroupReading()
        reading.memoryUsage = 800
        reading.inactiveFile = 300
        reading.memoryLimit = .bytes(1000)
        reading.cpuUsage = 12.5
        reading.cpuLimit = .cores(1.5)
        #expect(
            reading.samples(labels: Self.labels) == [
                gauge("container_memory_usage_bytes", Self.labels, 800),
                gauge("container_memory_working_set_bytes", Self.labels, 500),
                gauge("container_memory_limited", Self.labels, 1),
                gauge("container_memory_limit_bytes", Self.labels, 1000),
                gauge("container_memory_used_percent", Self.labels, 50),
                counter("container_cpu_usage_seconds_total", Self.labels, 12.5),
                gauge("container_cpu_limited", Self.labels, 1),
                gauge("container_cpu_limit_cores", Self.labels, 1.5),
            ])
    }

    @Test("not limited: say so, with no limit and no percentage of infinity")
    func unlimited() {
        var reading = CgroupReading()
        reading.memoryUsage = 800
        reading.memoryLimit = .unlimited
        reading.cpuLimit = .unlimited
        #expect(
            reading.samples(labels: Self.labels) == [
                gauge("container_memory_usage_bytes", Self.labels, 800),
                gauge("container_memory_working_set_bytes", Self.labels, 800),
                gauge("container_memory_limited", Self.labels, 0),
                gauge("container_cpu_limited", Self.labels, 0),
            ])
    }

    @Test("working set never goes negative (inactive_file can exceed usage briefly)")
    func workingSetFloor() {
        var reading = CgroupReading()
        reading.memoryUsage = 100
        reading.inactiveFile = 150
        #expect(reading.workingSet == 0)
    }

    static let memoryLimits: [(limit: Int64?, hostTotal: Int64?, expected: CgroupReading.MemoryLimit)] = [
        (nil, 8 << 30, .unlimited), // v2 "max"
        (9_223_372_036_854_771_712, 8 << 30, .unlimited), // v1 "no limit", 4 KiB pages
        (9_223_372_036_854_710_272, nil, .unlimited), // v1 "no limit", 64 KiB pages
        (16 << 30, 8 << 30, .unlimited), // above the host's RAM: unreachable
        (8 << 30, 8 << 30, .bytes(Double(8 << 30))), // lxcfs shows the limit as MemTotal
        (2 << 30, 8 << 30, .bytes(Double(2 << 30))),
        (2 << 30, nil, .bytes(Double(2 << 30))),
    ]

    @Test("what counts as no memory limit", arguments: memoryLimits)
    func memoryLimit(limit: Int64?, hostTotal: Int64?, expected: CgroupReading.MemoryLimit) {
        #expect(CgroupReading.MemoryLimit(limit: limit, hostMemoryTotal: hostTotal) == expected)
    }

    @Test("CPU quota in cores")
    func cpuLimit() {
        #expect(CgroupReading.CPULimit(quota: 50000, period: 100_000) == .cores(0.5))
        #expect(CgroupReading.CPULimit(quota: nil, period: 100_000) == .unlimited)
    }
}
