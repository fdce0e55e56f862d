import Foundation
import HeadroomNotify
import HeadroomTesting
import Synchronization
import Testing

/// Runs the real `headroom` binary built next to the test bundle, and reads its output
/// as it arrives: tests poll for lines with a deadline instead of sleeping.
final class HeadroomProcess: Sendable {
    let process: Subprocess
    private let out: Output
    private let err: Output
    /// One reader thread per pipe, blocked in read(2); each closes its pipe when done.
    private let readers: [PipeReader]
    /// The state directory made for this process (removed with it).
    private let ownedStateDirectory: String?

    /// What arrived on one pipe.
    private final class Output: Sendable {
        let bytes = Mutex<[UInt8]>([])
        var text: String { String(decoding: bytes.withLock { $0 }, as: UTF8.self) }
    }

    /// The `headroom` executable in the build products directory.
    static var executable: URL {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let exe = String(decoding: buffer[0..<max(0, count)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var directory = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // The test runner may live inside a bundle directory (…/headroomPackageTests.xctest).
        while !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("headroom").path),
            directory.path != "/"
        {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("headroom")
    }

    /// Runs `executable arguments` (a wrapper such as unshare around the binary) the same way.
    static func wrapped(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> HeadroomProcess {
        try HeadroomProcess(arguments, environment: environment, executable: URL(fileURLWithPath: executable))
    }

    init(_ arguments: [String], environment: [String: String] = [:], inheritEnvironment: Bool = false, executable: URL? = nil) throws {
        var env = inheritEnvironment ? ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("HEADROOM_") } : [:]
        env["PATH"] = "/usr/bin:/bin"
        env["HEADROOM_CONFIG"] = nil
        // Each daemon serves on a free port of its own (the log says which), never on the default,
        // and keeps its state in a directory of its own unless the test shares one on purpose.
        env["HEADROOM_SERVER_LISTEN"] = "127.0.0.1:0"
        var ownedStateDirectory: String?
        if environment["HEADROOM_STATE_DIR"] == nil {
            let directory = NSTemporaryDirectory() + "headroom-state-" + UUID().uuidString
            env["HEADROOM_STATE_DIR"] = directory
            ownedStateDirectory = directory
        }
        self.ownedStateDirectory = ownedStateDirectory
        for (key, value) in environment { env[key] = value }
        process = try Subprocess(
            [(executable ?? Self.executable).path] + arguments, environment: env, standardOutput: .pipe, standardError: .pipe)
        let (out, err) = (Output(), Output())
        (self.out, self.err) = (out, err)
        readers = [(process.standardOutput, out), (process.standardError, err)].compactMap { fd, output in
            fd.map { fd in PipeReader(fd, name: "test-output") { chunk in output.bytes.withLock { $0 += chunk } } }
        }
    }

    deinit {
        if let ownedStateDirectory { try? FileManager.default.removeItem(atPath: ownedStateDirectory) }
    }

    var pid: Int32 { process.pid }
    /// False once the process has exited (and been reaped).
    var isRunning: Bool { process.isRunning }

    var stdout: String { out.text }
    var stderr: String { err.text }

    /// Waits until `predicate(stdout, stderr)` holds or the deadline passes.
    @discardableResult
    func waitFor(_ what: String, timeout: Duration = .seconds(20), _ predicate: (String, String) -> Bool) async throws -> Bool {
        let held = try await poll(what, timeout: timeout, every: .milliseconds(20), context: { "stdout:\n\(stdout)\nstderr:\n\(stderr)" }) {
            () async -> Bool? in
            if predicate(stdout, stderr) { return true }
            guard !process.isRunning else { return nil }
            // It ended: what it printed last decides.
            await readOutputToExit()
            return predicate(stdout, stderr)
        }
        return held ?? false
    }

    func signal(_ number: Int32) { process.signal(number) }

    /// The port the daemon serves on (it listens on 127.0.0.1:0), from its log line.
    func servingPort() async throws -> Int {
        try await serving().port
    }

    /// The base URL the daemon serves on, http or https, from its log line.
    func servingURL() async throws -> String {
        let (scheme, port) = try await serving()
        return "\(scheme)://127.0.0.1:\(port)"
    }

    private func serving() async throws -> (scheme: String, port: Int) {
        let marks = ["serving http://127.0.0.1:", "serving https://127.0.0.1:"]
        try await waitFor("the serving line") { _, err in marks.contains { err.contains($0) } }
        let line = try #require(stderr.split(separator: "\n").first { line in marks.contains { line.contains($0) } })
        let port = try #require(Int((line.split(separator: "127.0.0.1:").last ?? "").prefix { $0.isNumber }))
        return (line.contains(marks[1]) ? "https" : "http", port)
    }

    /// Waits for the process to exit and returns its status: the exit code, or the signal
    /// that ended it (kills it after the timeout).
    func wait(timeout: Duration = .seconds(20)) async throws -> Int32 {
        var termination = await process.termination(within: timeout)
        if termination == nil {
            process.signal(SIGTERM)
            Issue.record("process did not exit in time\nstderr:\n\(stderr)")
            termination = await process.termination()
        }
        await readOutputToExit()
        guard let termination else { throw CancellationError() }
        return termination.codeOrSignal
    }

    /// Once the process has exited: reads what is left in the pipes, without waiting for
    /// their end: another child (a CPU hog, a child of the daemon) may have inherited the
    /// write end and keep it open.
    private func readOutputToExit() async {
        for reader in readers { await reader.stop() }
    }

    /// Runs to completion and returns (status, stdout, stderr).
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> (Int32, String, String) {
        let child = try HeadroomProcess(arguments, environment: environment)
        let status = try await child.wait(timeout: .seconds(60))
        return (status, child.stdout, child.stderr)
    }
}

/// Parses JSON lines into dictionaries.
func jsonLines(_ text: String) -> [[String: Any]] {
    text.split(separator: "\n").compactMap { line in
        guard line.hasPrefix("{") else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
    }
}
