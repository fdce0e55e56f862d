import Foundation

/// The idle daemon at a 1 s interval: resident memory and CPU, against `sleep` (a C
/// process doing nothing) measured in the same run.
enum IdleBenchmark {
    static func run(options: Options) async throws {
        let headroom = options.headroom ?? siblingExecutable("headroom")
        guard FileManager.default.isExecutableFile(atPath: headroom) else {
            print("\n## Idle daemon: skipped, no headroom binary at \(headroom) (pass --headroom PATH)")
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headroom-bench-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("idle.yaml")
        try "interval: 1s\nchannels:\n  - type: jsonlog\n    path: \(directory.path)/alerts.jsonl\nlog:\n  level: warning\n".write(to: config, atomically: true, encoding: .utf8)

        let seconds = options.idleSeconds
        print("")
        print("## Idle daemon, 1 s interval, \(seconds) s measured after a 5 s warm-up (\(headroom))")
        async let daemon = measureProcess(headroom, ["run", "--config", config.path], seconds: seconds)
        async let baseline = measureProcess("/bin/sleep", ["100000"], seconds: seconds)
        let (d, b) = try await (daemon, baseline)
        print("| process | VmRSS | RssAnon | VmHWM | CPU in window | CPU % of one core | CPU s per hour |")
        print("|---|---|---|---|---|---|---|")
        for (name, m) in [("headroom run", d), ("sleep (baseline)", b)] {
            print("| \(name) | \(mib(m.rss)) | \(mib(m.anon)) | \(mib(m.hwm)) | \(String(format: "%.2f s", m.cpu)) | \(String(format: "%.4f %%", m.cpu / Double(seconds) * 100)) | \(String(format: "%.2f s", m.cpu / Double(seconds) * 3600)) |")
        }
        print("ratio RSS headroom/sleep: \(String(format: "%.1f×", Double(d.rss) / Double(max(b.rss, 1))))")
        print("targets: RSS ≤ 15 MiB → \(Double(d.rss) <= 15 * 1024 * 1024 ? "met" : "NOT met"); CPU ≤ 0.05 % → \(d.cpu / Double(seconds) * 100 <= 0.05 ? "met" : "NOT met")")
        print("(CPU-time resolution is one clock tick, 10 ms)")
    }

    struct Measurement { var rss: Int; var anon: Int; var hwm: Int; var cpu: Double }

    static func measureProcess(_ path: String, _ arguments: [String], seconds: Int) async throws -> Measurement {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // SIGKILL: a child may inherit SIGTERM as ignored from whatever started the bench.
        defer { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        let pid = process.processIdentifier
        try await Task.sleep(for: .seconds(5))
        let before = cpuSeconds(pid)
        try await Task.sleep(for: .seconds(seconds))
        let after = cpuSeconds(pid)
        let status = statusFields(pid)
        return Measurement(rss: status["VmRSS"] ?? 0, anon: status["RssAnon"] ?? 0, hwm: status["VmHWM"] ?? 0, cpu: after - before)
    }

    /// utime + stime of a process, in seconds.
    static func cpuSeconds(_ pid: Int32) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return .nan }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the command: state is field 3; utime/stime are fields 14/15 → indices 11/12 here.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return .nan }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// `VmRSS`, `RssAnon`, `VmHWM` from /proc/PID/status, in bytes.
    static func statusFields(_ pid: Int32) -> [String: Int] { statusFields(atPath: "/proc/\(pid)/status") }

    /// The numeric fields of a `status` file: sizes (`kB`) in bytes, counts as they are.
    static func statusFields(atPath path: String) -> [String: Int] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
        var out: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let value = parts[1].split(whereSeparator: { $0 == " " || $0 == "\t" })
            if value.count == 2, value[1] == "kB", let kilobytes = Int(value[0]) {
                out[String(parts[0])] = kilobytes * 1024
            } else if value.count == 1, let count = Int(value[0]) {
                out[String(parts[0])] = count
            }
        }
        return out
    }

    static func mib(_ bytes: Int) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }

    static func siblingExecutable(_ name: String) -> String {
        let own = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        return own.deletingLastPathComponent().appendingPathComponent(name).path
    }
}
