import CReadFloor
import Foundation
import HeadroomNotify

/// What one round costs the whole process, measured from outside: `headroom run` on the
/// embedded default at `interval: 100ms`, against the C floor (a process that reads the same
/// files on the same grid and does nothing else) started in the same run, and a process that
/// only wakes on that grid (what a wake-up costs here, before any file is read). CPU comes from
/// the threads' `schedstat` (nanoseconds on a CPU), cross-checked with `/proc/PID/stat`
/// (clock ticks, every thread, dead ones included); context switches are summed over
/// `/proc/PID/task/*/status`, per thread, so the table shows which threads wake.
enum WakeupBenchmark {
    static func run(options: Options) async throws {
        guard let (headroom, directory) = try IdleBenchmark.workspace("Wake-ups per round", options: options) else { return }
        defer { try? FileManager.default.removeItem(at: directory) }
        let seconds = max(options.idleSeconds, 10)
        let intervalMilliseconds = options.intervalMilliseconds
        let rounds = Double(seconds * 1000 / intervalMilliseconds)
        print("")
        print("## Wake-ups per round: embedded default at interval \(intervalMilliseconds)ms, \(seconds) s measured after a 5 s warm-up (\(headroom))")

        let environment = [
            "HEADROOM_INTERVAL": "\(intervalMilliseconds)ms",
            "HEADROOM_SERVER_LISTEN": "127.0.0.1:0",
            "HEADROOM_STATE_DIR": directory.path,
            "HEADROOM_LOG_LEVEL": "warning",
        ]
        async let daemon = measure(headroom, ["run"], environment: environment, seconds: seconds)
        async let floor = measure(CommandLine.arguments[0], ["--floor-loop", "\(intervalMilliseconds)"], environment: [:], seconds: seconds)
        async let wake = measure(CommandLine.arguments[0], ["--wake-loop", "\(intervalMilliseconds)"], environment: [:], seconds: seconds)
        let (d, f, w) = try await (daemon, floor, wake)

        print("| process | CPU per round (schedstat) | ratio to C floor | CPU per round (utime+stime) | context switches per round | threads |")
        print("|---|---|---|---|---|---|")
        for (name, m) in [("headroom run", d), ("C floor (same files, same grid)", f), ("C wake-up only (same grid, no files)", w)] {
            let switches = m.switches.values.reduce(0, +)
            print(
                "| \(name) | \(micro(m.onCPU / rounds)) | \(String(format: "%.2f×", m.onCPU / max(f.onCPU, 1e-9))) | \(micro(m.cpu / rounds)) "
                    + "| \(String(format: "%.2f", Double(switches) / rounds)) | \(m.switches.count) |")
        }
        print("")
        print("headroom's threads, per round: context switches (voluntary + involuntary), time on a CPU (schedstat):")
        for (thread, count) in d.switches.sorted(by: { $0.value > $1.value }) where count > 0 || d.threadCPU[thread, default: 0] > 0 {
            let onCPU = Double(d.threadCPU[thread, default: 0]) / 1e9
            print("- \(thread): \(String(format: "%.2f", Double(count) / rounds)), \(micro(onCPU / rounds))")
        }
        print(
            "of the floor, waking is \(micro(w.onCPU / rounds)) a round and reading the files \(micro((f.onCPU - w.onCPU) / rounds)); "
                + "headroom's own work above the floor: \(micro((d.onCPU - f.onCPU) / rounds)) a round")
        let ratio = d.onCPU / max(f.onCPU, 1e-9)
        let switchesPerRound = Double(d.switches.values.reduce(0, +)) / rounds
        print(
            "targets: CPU per round ≤ 3× the C floor → \(ratio <= 3 ? "met" : "NOT met") (aim 1.5×); "
                + "≤ 2 context switches per round → \(switchesPerRound <= 2 ? "met" : "NOT met")")
        print(
            "(CPU-time resolution is one clock tick, 10 ms: \(Int((d.cpu * 100).rounded())) ticks for headroom, \(Int((f.cpu * 100).rounded())) for the floor)")
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
        _ path: String, _ arguments: [String], environment: [String: String], seconds: Int, warmUp: Duration = .seconds(5)
    ) async throws -> Measurement {
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
