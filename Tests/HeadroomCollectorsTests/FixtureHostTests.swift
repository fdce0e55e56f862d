import HeadroomCollectors
import HeadroomCore
import Testing

/// Every collector against each recorded host, asserting the exact samples: names,
/// labels, values, kinds and order.
@Suite("Collectors on fixture hosts")
struct FixtureHostTests {
    // MARK: - Host collectors (the same /proc/stat, meminfo and loadavg in every scenario)

    static func cpuSeconds(_ cpu: String, _ seconds: [Double]) -> [Sample] {
        zip(ProcStat.modes, seconds).map { counter("cpu_seconds_total", ["cpu": cpu, "mode": $0], $1) }
    }

    static let cpu: [Sample] =
        cpuSeconds("all", [2709.88, 0, 492.69, 15226.94, 24.23, 0, 1.68, 1.22])
        + cpuSeconds("0", [1275.30, 0, 239.50, 7709.06, 2.24, 0, 0.43, 0.58])
        + cpuSeconds("1", [1434.57, 0, 253.19, 7517.87, 21.98, 0, 1.25, 0.64])
        + [gauge("cpu_count", 2), counter("context_switches_total", 3_151_004), counter("processes_forked_total", 31979), gauge("procs_blocked", 0)]

    static let memory: [Sample] = [
        gauge("memory_total_bytes", 25_276_514_304), // 24684096 kB
        gauge("memory_available_bytes", 24_761_634_816), // 24181284 kB
        gauge("memory_free_bytes", 23_228_456_960), // 22684040 kB
        gauge("memory_used_bytes", 514_879_488),
        gauge("memory_used_percent", 514_879_488.0 / 25_276_514_304 * 100),
        gauge("memory_cached_bytes", 1_651_560_448), // 1612852 kB
        gauge("memory_buffers_bytes", 11_366_400), // 11100 kB
        gauge("swap_total_bytes", 0),
        gauge("swap_free_bytes", 0),
        gauge("swap_used_bytes", 0),
    ]

    static let load: [Sample] = [
        gauge("load1", 0.52), gauge("load5", 0.58), gauge("load15", 12.59),
        gauge("processes_running", 3), gauge("processes_total", 467),
    ]

    @Test("cpu, memory and load read the scenario's /proc", arguments: FixtureHosts.scenarios)
    func hostCollectors(scenario: String) throws {
        #expect(try FixtureHosts.collect(scenario, "cpu") == Self.cpu)
        #expect(try FixtureHosts.collect(scenario, "memory") == Self.memory)
        #expect(try FixtureHosts.collect(scenario, "load") == Self.load)
    }

    // MARK: - Pressure

    /// Samples of one PSI file: some then full, each `[avg10, avg60, avg300, total seconds]`.
    static func pressure(_ resource: String, scope: String, cgroup: String? = nil, some: [Double], full: [Double]) -> [Sample] {
        var base: Labels = ["resource": resource, "scope": scope]
        if let cgroup { base["cgroup"] = cgroup }
        var out: [Sample] = []
        for (kind, values) in [("some", some), ("full", full)] {
            let labels = base.adding("kind", kind)
            out += [
                gauge("pressure_avg10_percent", labels, values[0]), gauge("pressure_avg60_percent", labels, values[1]),
                gauge("pressure_avg300_percent", labels, values[2]), counter("pressure_stall_seconds_total", labels, values[3]),
            ]
        }
        return out
    }

    static let hostPressure: [Sample] =
        pressure("cpu", scope: "host", some: [1.5, 2.25, 0.75, 1.234567], full: [0, 0, 0, 0])
        + pressure("memory", scope: "host", some: [12.5, 8, 3.1, 98.765432], full: [4.2, 2, 0.5, 12.345678])
        + pressure("io", scope: "host", some: [0.1, 0.2, 0.3, 0.000555], full: [0.05, 0.1, 0.15, 0.000222])

    @Test("cgroup v2 container: host pressure, then the container's own with its cgroup")
    func v2Pressure() throws {
        #expect(
            try FixtureHosts.collect("cgroup-v2-container", "pressure") == Self.hostPressure
                + Self.pressure("cpu", scope: "container", cgroup: "/", some: [3, 1, 0.5, 4], full: [1, 0.5, 0.1, 2])
                + Self.pressure("memory", scope: "container", cgroup: "/", some: [25, 10, 2, 30], full: [15, 5, 1, 9])
                + Self.pressure("io", scope: "container", cgroup: "/", some: [0, 0, 0, 0.00001], full: [0, 0, 0, 0.000005]))
    }

    @Test("host pressure only where the cgroup has none of its own (v1) or is the host's root", arguments: ["cgroup-v1-container", "bare-host"])
    func hostOnlyPressure(scenario: String) throws {
        #expect(try FixtureHosts.collect(scenario, "pressure") == Self.hostPressure)
    }

    @Test("hybrid host: /proc/pressure only; the unified root's files repeat it and are not reported twice")
    func hybridPressure() throws {
        #expect(
            try FixtureHosts.collect("hybrid-host", "pressure") == Self.pressure(
                "cpu", scope: "host", some: [5.25, 22.17, 14.26, 1111.116714], full: [0, 0, 0, 0])
                + Self.pressure("memory", scope: "host", some: [0, 0, 0, 0], full: [0, 0, 0, 0])
                + Self.pressure("io", scope: "host", some: [0.22, 0.19, 0.17, 21.147598], full: [0.13, 0.11, 0.12, 19.56528]))
    }

    @Test("a kernel without PSI: unavailable, with the remedy and the path looked at")
    func noPSI() {
        let error = caught { () throws(CollectorError) in try FixtureHosts.collect("no-psi-kernel", "pressure") }
        #expect(error == .unavailable("\(PressureCollector.remedy) (\(FixtureHosts.root("no-psi-kernel"))/proc/pressure does not exist)"))
    }

    // MARK: - Cgroup

    @Test("cgroup v2 container with limits (cgroup namespace: its cgroup is /)")
    func v2Container() throws {
        let labels: Labels = ["cgroup": "/", "version": "v2"]
        #expect(
            try FixtureHosts.collect("cgroup-v2-container", "cgroup") == [
                gauge("container_memory_usage_bytes", labels, 3_221_225_472),
                gauge("container_memory_working_set_bytes", labels, 2_952_790_016), // − inactive_file 256 MiB
                gauge("container_memory_limited", labels, 1),
                gauge("container_memory_limit_bytes", labels, 4_294_967_296),
                gauge("container_memory_used_percent", labels, 68.75),
                counter("container_oom_kills_total", labels, 3),
                counter("container_oom_events_total", labels, 4),
                counter("container_memory_high_events_total", labels, 0),
                counter("container_memory_max_events_total", labels, 12),
                counter("container_cpu_usage_seconds_total", labels, 123.456789),
                gauge("container_cpu_limited", labels, 1),
                gauge("container_cpu_limit_cores", labels, 2),
                counter("container_cpu_periods_total", labels, 5000),
                counter("container_cpu_throttled_periods_total", labels, 250),
                counter("container_cpu_throttled_seconds_total", labels, 7.5),
                gauge("container_pids_current", labels, 42),
                gauge("container_pids_limit", labels, 1024),
            ])
    }

    @Test("cgroup v1 container with limits (its mounts show only its own sub-trees)")
    func v1Container() throws {
        let labels: Labels = ["cgroup": "/docker/0b8f1c6e2d4a", "version": "v1"]
        #expect(
            try FixtureHosts.collect("cgroup-v1-container", "cgroup") == [
                gauge("container_memory_usage_bytes", labels, 1_610_612_736),
                gauge("container_memory_working_set_bytes", labels, 1_073_741_824), // − total_inactive_file 512 MiB
                gauge("container_memory_limited", labels, 1),
                gauge("container_memory_limit_bytes", labels, 2_147_483_648),
                gauge("container_memory_used_percent", labels, 50),
                counter("container_oom_kills_total", labels, 2),
                counter("container_cpu_usage_seconds_total", labels, 98.7654321),
                gauge("container_cpu_limited", labels, 1),
                gauge("container_cpu_limit_cores", labels, 1.5),
                counter("container_cpu_periods_total", labels, 1000),
                counter("container_cpu_throttled_periods_total", labels, 40),
                counter("container_cpu_throttled_seconds_total", labels, 2.5),
                gauge("container_pids_current", labels, 17), // pids.max is "max": no limit sample
            ])
    }

    @Test("hybrid host like the CI machine: v1 memory without a limit, cpu at its root: not limited, no % of infinity")
    func hybrid() throws {
        let labels: Labels = ["cgroup": "/process_api/10e7775c20bf13eb01cd6175f60b7977", "version": "v1"]
        #expect(
            try FixtureHosts.collect("hybrid-host", "cgroup") == [
                gauge("container_memory_usage_bytes", labels, 734_003_200),
                gauge("container_memory_working_set_bytes", labels, 524_288_000),
                gauge("container_memory_limited", labels, 0),
                counter("container_oom_kills_total", labels, 0),
                gauge("container_cpu_limited", labels, 0),
            ])
    }

    @Test("a systemd service on cgroup v2 without limits or a cpu controller")
    func serviceWithoutLimits() throws {
        let labels: Labels = ["cgroup": "/system.slice/inference.service", "version": "v2"]
        #expect(
            try FixtureHosts.collect("no-psi-kernel", "cgroup") == [
                gauge("container_memory_usage_bytes", labels, 1_073_741_824),
                gauge("container_memory_working_set_bytes", labels, 939_524_096),
                gauge("container_memory_limited", labels, 0),
                counter("container_oom_kills_total", labels, 0),
                counter("container_oom_events_total", labels, 0),
                counter("container_memory_high_events_total", labels, 0),
                counter("container_memory_max_events_total", labels, 0),
                counter("container_cpu_usage_seconds_total", labels, 5),
                gauge("container_cpu_limited", labels, 0),
                gauge("container_pids_current", labels, 9),
            ])
    }

    @Test("bare host: the root cgroup has no limits, and its usage is the host's")
    func bareHost() throws {
        let labels: Labels = ["cgroup": "/", "version": "v2"]
        #expect(
            try FixtureHosts.collect("bare-host", "cgroup") == [
                gauge("container_memory_limited", labels, 0),
                gauge("container_cpu_limited", labels, 0),
            ])
    }

    @Test("collectors.cgroup_path on a fixture host")
    func override() throws {
        let samples = try FixtureHosts.collect("hybrid-host", "cgroup", settings: CollectorSettings(cgroupPath: "/"))
        // Every v1 controller at its root: nothing of a container's own, only "not limited".
        #expect(
            samples == [
                gauge("container_memory_limited", ["cgroup": "/", "version": "v1"], 0),
                gauge("container_cpu_limited", ["cgroup": "/", "version": "v1"], 0),
            ])
    }
}
