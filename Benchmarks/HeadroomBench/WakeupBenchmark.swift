import CReadFloor
import Foundation
import HeadroomNotify
import HeadroomTesting

/// What one round costs the whole process, measured from outside: `headroom run` on the
/// embedded default at `interval: 100ms`, against the C floor (a process that reads the same
/// files at the same interval and does nothing else) started in the same run, and a process
/// that only wakes at that interval (what a wake-up costs here, before any file is read); each
/// on a grid of its own, a quarter of an interval from the others. CPU comes from
/// the threads' `schedstat` (nanoseconds on a CPU), cross-checked with `/proc/PID/stat`
/// (clock ticks, every thread, dead ones included); context switches are summed over
/// `/proc/PID/task/*/status`, per thread, so the table shows which threads wake. With
/// `--against PATH`, a second headroom binary runs in the same window (its own state
/// directory), so a change is compared with its baseline under the same noise, and then a
/// second window with the two in each other's place (a place's bias cancels). With `--gpus N`
/// the daemons read N fake GPUs, each holding a process of this benchmark's (visible) and one
/// with a PID no process has (not visible, as from a container without the host's PIDs): a GPU
/// node's round, to compare with `--against` (the C floor reads no GPU). `--warm-up-seconds`
/// lets trend windows fill before the window is measured (600: a full window of the default's).
enum WakeupBenchmark {
    static func run(options: Options) async throws {
        guard let (headroom, directory) = try IdleBenchmark.workspace("Wake-ups per round", options: options) else { return }
        defer { try? FileManager.default.removeItem(at: directory) }
        let seconds = max(options.idleSeconds, 10)
        let intervalMilliseconds = options.intervalMilliseconds
        let rounds = Double(seconds * 1000 / intervalMilliseconds)
        print("")
        let warmUp = Duration.seconds(options.warmUpSeconds)
        var environment = [
            "HEADROOM_INTERVAL": "\(intervalMilliseconds)ms",
            "HEADROOM_SERVER_LISTEN": "127.0.0.1:0",
            "HEADROOM_LOG_LEVEL": "warning",
        ]
        var host = ""
        var fake: FakeNVML?
        defer { withExtendedLifetime(fake) {} }
        if options.gpus > 0 {
            guard
                let driver = try FakeGPUHost.install(
                    gpus: options.gpus, procs: "\(getpid()):30000000000 \(FakeGPUHost.invisiblePID):1000000000",
                    title: "Wake-ups per round")
            else { return }
            fake = driver
            environment["HEADROOM_COLLECTORS_NVML_LIBRARY"] = driver.libraryPath
            host = " with \(options.gpus) fake GPUs (two processes each, one of them not visible)"
        }
        print(
            "## Wake-ups per round: embedded default\(host) at interval \(intervalMilliseconds)ms, \(seconds) s measured after a \(options.warmUpSeconds) s warm-up (\(headroom))"
        )
        if options.gpus > 0 { print("(the C floor reads no GPU: with GPUs, compare headroom with --against, not with the floor)") }
        let window = Window(
            seconds: seconds, warmUp: warmUp, intervalMilliseconds: intervalMilliseconds, environment: environment, directory: directory)
        let (d, f, w, b) = try await window.measure(headroom, beside: options.against, states: ("headroom", "against"))
        let rows: [(String, Measurement)] = [("headroom run", d)] + (b.map { [("against: \(options.against ?? "")", $0)] } ?? [])
        printTable(rows, floor: f, wake: w, rounds: rounds)
        printThreads("headroom's", d, rounds: rounds)
        print(
            "of the floor, waking is \(micro(w.onCPU / rounds)) a round and reading the files \(micro((f.onCPU - w.onCPU) / rounds)); "
                + "headroom's own work above the floor: \(micro((d.onCPU - f.onCPU) / rounds)) a round")
        if let b, let against = options.against {
            printThreads("against's", b, rounds: rounds)
            // The place a daemon has among the grids shifts its cost by up to ±10 % here (the
            // process before it warms or cools the caches), so a second window swaps the two
            // places, and the comparison is the geometric mean of both: a place's bias cancels.
            print("")
            print("The same again with the two daemons' places swapped (the baseline first):")
            // Fresh state directories: each daemon starts with none, as in the first window.
            let (b2, f2, w2, d2) = try await window.measure(against, beside: headroom, states: ("against-swapped", "headroom-swapped"))
            guard let d2 else { return }
            printTable([("against: \(against)", b2), ("headroom run", d2)], floor: f2, wake: w2, rounds: rounds)
            let first = d.onCPU / max(b.onCPU, 1e-9)
            let second = d2.onCPU / max(b2.onCPU, 1e-9)
            print(
                "headroom against the baseline: \(percent(first)) in the first place (\(micro(d.onCPU / rounds)) against \(micro(b.onCPU / rounds)) a round), "
                    + "\(percent(second)) in the second (\(micro(d2.onCPU / rounds)) against \(micro(b2.onCPU / rounds))); "
                    + "**both places: \(percent((first * second).squareRoot()))** (the first place's own bias: \(percent((first / second).squareRoot())))")
        }
        let ratio = d.onCPU / max(f.onCPU, 1e-9)
        let switchesPerRound = Double(d.switches.values.reduce(0, +)) / rounds
        let cpuTarget =
            options.gpus > 0
            ? "not judged with GPUs (the floor reads none)" : "\(ratio <= 3 ? "met" : "NOT met") (aim 1.5×)"
        print(
            "targets: CPU per round ≤ 3× the C floor → \(cpuTarget); "
                + "≤ 2 context switches per round → \(switchesPerRound <= 2 ? "met" : "NOT met")")
        print(
            "(CPU-time resolution is one clock tick, 10 ms: \(Int((d.cpu * 100).rounded())) ticks for headroom, \(Int((f.cpu * 100).rounded())) for the floor)")
    }

    private static func percent(_ ratio: Double) -> String { String(format: "%+.1f %%", (ratio - 1) * 100) }

    /// One measured window: the daemon, the C floor, a second daemon when given, the wake-only loop.
    struct Window {
        let seconds: Int
        let warmUp: Duration
        let intervalMilliseconds: Int
        let environment: [String: String]
        let directory: URL

        /// Each process starts a quarter of an interval after the one before, so their grids do
        /// not line up: a process that wakes right after another finds the kernel's and libc's
        /// code for reading these files warm, and costs less than it does alone (two copies
        /// of one binary on one grid differed by 20 to 40 % here). The second daemon, when
        /// given, wakes after the floor, the first after the wake-only loop. Each daemon has
        /// a state directory of its own, named by `states`, in the benchmark's workspace.
        func measure(_ first: String, beside second: String?, states: (String, String)) async throws -> (
            Measurement, Measurement, Measurement, Measurement?
        ) {
            let quarter = Duration.milliseconds(intervalMilliseconds) / 4
            async let daemon = run(first, state: states.0, after: .zero)!
            async let floor = WakeupBenchmark.measure(
                CommandLine.arguments[0], ["--floor-loop", "\(intervalMilliseconds)"], environment: [:], seconds: seconds, warmUp: warmUp,
                startAfter: quarter)
            async let beside = run(second, state: states.1, after: quarter * 2)
            async let wake = WakeupBenchmark.measure(
                CommandLine.arguments[0], ["--wake-loop", "\(intervalMilliseconds)"], environment: [:], seconds: seconds, warmUp: warmUp,
                startAfter: quarter * 3)
            let (d, f, b, w) = try await (daemon, floor, beside, wake)
            return (d, f, w, b)
        }

        /// `headroom run` of `path` on the state directory `state` (made in the workspace);
        /// nil for no path (no `--against`).
        private func run(_ path: String?, state: String, after: Duration) async throws -> Measurement? {
            guard let path else { return nil }
            var environment = environment
            environment["HEADROOM_STATE_DIR"] = try stateDirectory(directory, state)
            return try await WakeupBenchmark.measure(path, ["run"], environment: environment, seconds: seconds, warmUp: warmUp, startAfter: after)
        }
    }

    /// The table of one window: the daemons, then the floor and the wake-only loop.
    private static func printTable(_ daemons: [(String, Measurement)], floor f: Measurement, wake w: Measurement, rounds: Double) {
        print("| process | CPU per round (schedstat) | ratio to C floor | CPU per round (utime+stime) | context switches per round | threads |")
        print("|---|---|---|---|---|---|")
        for (name, m) in daemons + [("C floor (same files, same interval)", f), ("C wake-up only (same interval, no files)", w)] {
            let switches = m.switches.values.reduce(0, +)
            print(
                "| \(name) | \(micro(m.onCPU / rounds)) | \(String(format: "%.2f×", m.onCPU / max(f.onCPU, 1e-9))) | \(micro(m.cpu / rounds)) "
                    + "| \(String(format: "%.2f", Double(switches) / rounds)) | \(m.switches.count) |")
        }
        print("")
    }

    /// Each thread that woke or ran: context switches and time on a CPU, per round.
    private static func printThreads(_ whose: String, _ measurement: Measurement, rounds: Double) {
        print("\(whose) threads, per round: context switches (voluntary + involuntary), time on a CPU (schedstat):")
        for (thread, count) in measurement.switches.sorted(by: { $0.value > $1.value })
        where count > 0 || measurement.threadCPU[thread, default: 0] > 0 {
            let onCPU = Double(measurement.threadCPU[thread, default: 0]) / 1e9
            print("- \(thread): \(String(format: "%.2f", Double(count) / rounds)), \(micro(onCPU / rounds))")
        }
    }

    /// A daemon's own state directory in the benchmark's workspace, made.
    private static func stateDirectory(_ workspace: URL, _ name: String) throws -> String {
        let state = workspace.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        return state.path
    }

    struct Measurement {
        /// utime + stime of the whole process (clock ticks, dead threads included).
        var cpu: Double
        /// Context switches in the window, by thread ("name/tid").
        var switches: [String: Int]
        /// Nanoseconds on a CPU in the window, by thread ("name/tid", `schedstat`).
        var threadCPU: [String: Int] = [:]
        /// Seconds on a CPU in the window, summed over the threads alive at its end: each
        /// thread's own difference, so a thread that ends in the window (Dispatch ends its idle
        /// pool threads) takes nothing off the others.
        var onCPU: Double { Double(threadCPU.values.reduce(0, +)) / 1e9 }
        /// `VmRSS` and `RssAnon` at the end of the window, in bytes.
        var rss = 0
        var anon = 0
    }

    static func measure(
        _ path: String, _ arguments: [String], environment: [String: String], seconds: Int, warmUp: Duration = .seconds(5),
        startAfter: Duration = .zero
    ) async throws -> Measurement {
        try await Task.sleep(for: startAfter)
        let process = try Subprocess(
            [path] + arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { _, new in new }, standardOutput: .null,
            standardError: .null)
        let pid = process.pid
        defer {
            process.signal(SIGKILL)
            _ = process.wait()
        }
        try await Task.sleep(for: warmUp)
        guard IdleBenchmark.alive(pid) else {
            throw IdleBenchmark.ExitedEarly(description: "\(path) ended during its warm-up (run it by hand to see why)")
        }
        let cpuBefore = IdleBenchmark.cpuSeconds(pid)
        let switchesBefore = threadSwitches(pid)
        let threadCPUBefore = threadOnCPU(pid)
        try await Task.sleep(for: .seconds(seconds))
        let threadCPUAfter = threadOnCPU(pid)
        let cpuAfter = IdleBenchmark.cpuSeconds(pid)
        let switchesAfter = threadSwitches(pid)
        guard IdleBenchmark.alive(pid) else { throw IdleBenchmark.ExitedEarly(description: "\(path) ended during its measurement") }
        var switches: [String: Int] = [:]
        for (thread, count) in switchesAfter { switches[thread] = count - (switchesBefore[thread] ?? 0) }
        var threadCPU: [String: Int] = [:]
        for (thread, nanoseconds) in threadCPUAfter { threadCPU[thread] = nanoseconds - (threadCPUBefore[thread] ?? 0) }
        let status = IdleBenchmark.statusFields(pid)
        return Measurement(
            cpu: cpuAfter - cpuBefore, switches: switches, threadCPU: threadCPU, rss: status["VmRSS"] ?? 0,
            anon: status["RssAnon"] ?? 0)
    }

    /// Nanoseconds on a CPU of every live thread (first field of `schedstat`), keyed "name/tid".
    static func threadOnCPU(_ pid: Int32) -> [String: Int] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        var out: [String: Int] = [:]
        for tid in tasks {
            let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(tid)/schedstat", encoding: .utf8)) ?? ""
            out["\(threadName(pid, tid))/\(tid)"] = Int(text.split(separator: " ").first ?? "") ?? 0
        }
        return out
    }

    static func threadName(_ pid: Int32, _ tid: String) -> String {
        (try? String(contentsOfFile: "/proc/\(pid)/task/\(tid)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
    }

    /// voluntary + involuntary context switches of every live thread, keyed "name/tid".
    static func threadSwitches(_ pid: Int32) -> [String: Int] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        var out: [String: Int] = [:]
        for tid in tasks {
            let fields = IdleBenchmark.statusFields(atPath: "/proc/\(pid)/task/\(tid)/status")
            out["\(threadName(pid, tid))/\(tid)"] = (fields["voluntary_ctxt_switches"] ?? 0) + (fields["nonvoluntary_ctxt_switches"] ?? 0)
        }
        return out
    }

    /// `headroom-bench --floor-loop MS`: the floor process; `--wake-loop MS` (`readingFiles`
    /// false): the same loop with no file to read. Never returns.
    static func floorLoop(intervalMilliseconds: Int, readingFiles: Bool = true) -> Never {
        let paths = readingFiles ? steadyStateFiles().paths : []
        let cPaths = paths.map { strdup($0) }
        let pointers: [UnsafePointer<CChar>?] = cPaths.map { UnsafePointer($0) }
        let floor = pointers.withUnsafeBufferPointer { hr_floor_open($0.baseAddress, Int32($0.count)) }
        hr_floor_loop(floor, intervalMilliseconds * 1_000_000)
        fatalError("hr_floor_loop returned")
    }
}
