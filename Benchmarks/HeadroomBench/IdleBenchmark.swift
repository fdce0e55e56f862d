import Foundation
import HeadroomNotify

/// The idle daemon at a 1 s interval: resident memory and CPU, against `sleep` (a C
/// process doing nothing) and, when installed, node_exporter (idle between scrapes) and
/// Monit checking the system every second, all measured at once in the same run.
enum IdleBenchmark {
    static func run(options: Options) async throws {
        guard let (headroom, directory) = try workspace("Idle daemon", options: options) else { return }
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("idle.yaml")
        try "interval: 1s\nchannels:\n  - type: jsonlog\n    path: \(directory.path)/alerts.jsonl\nlog:\n  level: warning\n".write(
            to: config, atomically: true, encoding: .utf8)
        let monitrc = directory.appendingPathComponent("monitrc")
        try "set daemon 1\nset statefile \(directory.path)/monit.state\nset idfile \(directory.path)/monit.id\ncheck system localhost\n"
            .write(to: monitrc, atomically: true, encoding: .utf8)
        chmod(monitrc.path, 0o600) // monit refuses a control file others can read

        let seconds = options.idleSeconds
        print("")
        print("## Idle daemon, 1 s interval, \(seconds) s measured after a 5 s warm-up (\(headroom))")
        var processes: [(name: String, path: String, arguments: [String])] = [
            ("headroom run", headroom, ["run", "--config", config.path]),
            ("sleep (baseline)", "/bin/sleep", ["100000"]),
        ]
        for (name, command, arguments, package) in [
            ("node_exporter (no scrapes)", "prometheus-node-exporter", ["--web.listen-address=127.0.0.1:19491"], "prometheus-node-exporter"),
            ("monit (system check every 1 s)", "monit", ["-I", "-c", monitrc.path], "monit"),
        ] {
            if let path = onPath(command) {
                processes.append((name, path, arguments))
            } else {
                print("(\(name): not installed, skipped; apt-get install \(package))")
            }
        }
        let measured = try await withThrowingTaskGroup(of: (Int, Measurement).self) { group in
            for (index, process) in processes.enumerated() {
                let log = directory.appendingPathComponent("process-\(index).stderr")
                group.addTask { (index, try await measureProcess(process.path, process.arguments, seconds: seconds, log: log)) }
            }
            var out: [Int: Measurement] = [:]
            for try await (index, measurement) in group { out[index] = measurement }
            return processes.indices.map { out[$0]! }
        }
        for m in measured { m.stop() }
        print("| process | VmRSS | RssAnon | VmHWM | CPU in window | CPU % of one core | CPU s per hour |")
        print("|---|---|---|---|---|---|---|")
        for (process, m) in zip(processes, measured) {
            print(
                "| \(process.name) | \(mib(m.rss)) | \(mib(m.anon)) | \(mib(m.hwm)) | \(String(format: "%.2f s", m.cpu)) | \(String(format: "%.4f %%", m.cpu / Double(seconds) * 100)) | \(String(format: "%.2f s", m.cpu / Double(seconds) * 3600)) |"
            )
        }
        let (d, b) = (measured[0], measured[1])
        print("ratio RSS headroom/sleep: \(String(format: "%.1f×", Double(d.rss) / Double(max(b.rss, 1))))")
        print(
            "targets: RSS ≤ 15 MiB → \(Double(d.rss) <= 15 * 1024 * 1024 ? "met" : "NOT met"); CPU ≤ 0.02 % → \(d.cpu / Double(seconds) * 100 <= 0.02 ? "met" : "NOT met")"
        )
        print("(CPU-time resolution is one clock tick, 10 ms)")
    }

    /// The first executable named `command` on PATH.
    static func onPath(_ command: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"]
        return directories.map { "\($0)/\(command)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The headroom binary to measure and a fresh state directory for it (the caller removes
    /// it); nil, said on the report, when there is no binary.
    static func workspace(_ benchmark: String, options: Options) throws -> (headroom: String, directory: URL)? {
        let headroom = options.headroom ?? siblingExecutable("headroom")
        guard FileManager.default.isExecutableFile(atPath: headroom) else {
            print("\n## \(benchmark): skipped, no headroom binary at \(headroom) (pass --headroom PATH)")
            return nil
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headroom-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return (headroom, directory)
    }

    struct Measurement: Sendable {
        var rss: Int
        var anon: Int
        var hwm: Int
        var cpu: Double
        /// The measured process, still running: stopped once every process is measured, so
        /// no task blocks a cooperative thread waiting for an exit while others measure.
        var process: Subprocess

        /// SIGKILL, then waits until it has been reaped.
        func stop() {
            process.signal(SIGKILL)
            _ = process.wait()
        }
    }

    struct ExitedEarly: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts a process (its standard error kept in `log`), lets it warm up for 5 s and
    /// measures it for `seconds`; a process that ends before the window does is an error
    /// carrying the end of its standard error, never a row of zeros.
    static func measureProcess(_ path: String, _ arguments: [String], seconds: Int, log: URL) async throws -> Measurement {
        let fd = open(log.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        let process = try Subprocess([path] + arguments, standardOutput: .null, standardError: .descriptor(fd))
        let pid = process.pid
        var measurement = Measurement(rss: 0, anon: 0, hwm: 0, cpu: .nan, process: process)
        func ensureAlive() throws {
            if alive(pid) { return }
            let tail = ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").suffix(3).joined(separator: " / ")
            throw ExitedEarly(description: "\(path) ended before its measurement did: \(tail.isEmpty ? "(no output)" : tail)")
        }
        do {
            try await Task.sleep(for: .seconds(5))
            try ensureAlive()
            let before = cpuSeconds(pid)
            try await Task.sleep(for: .seconds(seconds))
            try ensureAlive()
            let after = cpuSeconds(pid)
            let status = statusFields(pid)
            (measurement.rss, measurement.anon, measurement.hwm) = (status["VmRSS"] ?? 0, status["RssAnon"] ?? 0, status["VmHWM"] ?? 0)
            measurement.cpu = after - before
        } catch {
            measurement.stop()
            throw error
        }
        return measurement
    }

    /// Whether a process still runs (not gone, not a zombie waiting to be reaped).
    static func alive(_ pid: Int32) -> Bool {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return false }
        return !text[text.index(after: close)...].hasPrefix(" Z")
    }

    /// utime + stime of a process, in seconds.
    static func cpuSeconds(_ pid: Int32) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return .nan }
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
