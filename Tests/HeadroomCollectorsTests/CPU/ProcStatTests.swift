import HeadroomCollectors
import HeadroomCore
import Testing

@Suite("ProcStat")
struct ProcStatTests {
    static let modern = """
        cpu  270988 0 49269 1522694 2423 0 168 122 7 1
        cpu0 127530 0 23950 770906 224 0 43 58 3 0
        cpu1 143457 0 25319 751787 2198 0 125 64 4 1
        intr 2086679 0 0 0 0 0 0 0 0 0 0 0 0 1849 442 0 163 1 142412
        ctxt 3151004
        btime 1795584744
        processes 31979
        procs_running 2
        procs_blocked 1
        softirq 767611 0 161087 3 386 142411 0 2 235026 0 228696

        """

    @Test("a modern kernel: ten columns per CPU, guest columns skipped")
    func modern() throws {
        let stat = try ProcStat.parse(Self.modern.bytes)
        #expect(
            stat
                == ProcStat(
                    all: .init(cpu: "all", ticks: [270_988, 0, 49269, 1_522_694, 2423, 0, 168, 122]),
                    cpus: [
                        .init(cpu: "0", ticks: [127_530, 0, 23950, 770_906, 224, 0, 43, 58]),
                        .init(cpu: "1", ticks: [143_457, 0, 25319, 751_787, 2198, 0, 125, 64]),
                    ],
                    contextSwitches: 3_151_004, processesForked: 31979, processesBlocked: 1))
    }

    @Test("samples: seconds at USER_HZ 100, counters per CPU and mode, then the scalars")
    func samples() throws {
        let samples = try ProcStat.parse("cpu 100 5 50 1000 20 1 2 3 9 9\ncpu7 100 5 50 1000 20 1 2 3 9 9\nctxt 99\nprocesses 7\nprocs_blocked 2\n".bytes)
            .samples
        var expected: [Sample] = []
        for cpu in ["all", "7"] {
            for (mode, seconds) in zip(ProcStat.modes, [1.0, 0.05, 0.5, 10, 0.2, 0.01, 0.02, 0.03]) {
                expected.append(counter("cpu_seconds_total", ["cpu": cpu, "mode": mode], seconds))
            }
        }
        expected += [gauge("cpu_count", 1), counter("context_switches_total", 99), counter("processes_forked_total", 7), gauge("procs_blocked", 2)]
        #expect(samples == expected)
    }

    static let oldKernels: [(text: String, columns: Int)] = [
        ("cpu  1 2 3 4\ncpu0 1 2 3 4\n", 4), // 2.4
        ("cpu  1 2 3 4 5 6 7\ncpu0 1 2 3 4 5 6 7\n", 7), // 2.6.0–2.6.10: no steal
        ("cpu  1 2 3 4 5 6 7 8 9\ncpu0 1 2 3 4 5 6 7 8 9\n", 8), // 2.6.24–2.6.32: guest, no guest_nice
    ]

    @Test("older kernels write fewer columns: only those are reported", arguments: oldKernels)
    func oldKernel(text: String, columns: Int) throws {
        let samples = try ProcStat.parse(text.bytes).samples
        let modes = samples.filter { $0.name == "cpu_seconds_total" && $0.labels["cpu"] == "all" }.compactMap { $0.labels["mode"] }
        #expect(modes == Array(ProcStat.modes.prefix(columns)))
        #expect(samples.value("cpu_count") == 1)
        #expect(!samples.has("context_switches_total"))
    }

    @Test("offline CPUs leave gaps: numbers are kept as written, cpu_count counts lines")
    func gaps() throws {
        let stat = try ProcStat.parse("cpu 4 4 4 4\ncpu0 1 1 1 1\ncpu3 3 3 3 3\n".bytes)
        #expect(stat.cpus.map(\.cpu) == ["0", "3"])
        #expect(stat.samples.value("cpu_count") == 2)
    }

    static let malformed: [(name: String, text: String, message: String)] = [
        ("three columns", "cpu 1 2 3\n", "has 3 columns"),
        ("negative", "cpu 1 -2 3 4\n", "\"-2\" is not a tick count"),
        ("above Int64", "cpu 1 2 3 9223372036854775808\n", "\"9223372036854775808\" is not a tick count"),
        ("a word", "cpu 1 2 three 4\n", "\"three\" is not a tick count"),
        ("cpuX", "cpu 1 2 3 4\ncpuX 1 2 3 4\n", "\"cpuX\" is neither cpu nor cpuN"),
        ("bad ctxt", "cpu 1 2 3 4\nctxt lots\n", "ctxt is not followed by a non-negative integer"),
        ("no aggregate", "cpu0 1 2 3 4\n", "no aggregate \"cpu\" line"),
        ("cut mid-line", "cpu  270988 0 49269 1522694 2423 0 168 122 0 0\ncpu0 127530 0 239", "cut off"),
    ]

    @Test("malformed files fail with the path, the line and what was wrong", arguments: malformed)
    func rejectsMalformed(name: String, text: String, message: String) {
        let error = failure { () throws(CollectorError) in try ProcStat.parse(text.bytes, path: "/host/proc/stat") }
        #expect(error?.hasPrefix("/host/proc/stat: ") == true, "\(name): \(error ?? "accepted")")
        #expect(error?.contains(message) == true, "\(name): \(error ?? "accepted")")
    }
}
