import Foundation
import Testing

/// Runs the real `headroom` binary built next to the test bundle, and reads its output
/// as it arrives: tests poll for lines with a deadline instead of sleeping.
final class HeadroomProcess: @unchecked Sendable {
    let process = Process()
    private let stdoutPipe = Pipe()
    private let stderrPipe = Pipe()
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()
    /// The state directory made for this process (removed with it).
    private var ownedStateDirectory: String?

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
        process.executableURL = executable ?? Self.executable
        process.arguments = arguments
        var env = inheritEnvironment ? ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("HEADROOM_") } : [:]
        env["PATH"] = "/usr/bin:/bin"
        env["HEADROOM_CONFIG"] = nil
        // Each daemon serves on a free port of its own (the log says which), never on the default,
        // and keeps its state in a directory of its own unless the test shares one on purpose.
        env["HEADROOM_SERVER_LISTEN"] = "127.0.0.1:0"
        if environment["HEADROOM_STATE_DIR"] == nil {
            let directory = NSTemporaryDirectory() + "headroom-state-" + UUID().uuidString
            env["HEADROOM_STATE_DIR"] = directory
            ownedStateDirectory = directory
        }
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        stdoutPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            // At EOF the handler would fire in a tight loop: stop listening.
            if data.isEmpty {
                handle.readabilityHandler = nil
                return
            }
            self.lock.lock()
            self.out.append(data)
            self.lock.unlock()
        }
        stderrPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            if data.isEmpty {
                handle.readabilityHandler = nil
                return
            }
            self.lock.lock()
            self.err.append(data)
            self.lock.unlock()
        }
        try process.run()
    }

    deinit {
        if let ownedStateDirectory { try? FileManager.default.removeItem(atPath: ownedStateDirectory) }
    }

    var stdout: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: out, as: UTF8.self)
    }
    var stderr: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: err, as: UTF8.self)
    }

    /// Waits until `predicate(stdout, stderr)` holds or the deadline passes.
    @discardableResult
    func waitFor(_ what: String, timeout: Duration = .seconds(20), _ predicate: (String, String) -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if predicate(stdout, stderr) { return true }
            if !process.isRunning { return predicate(stdout, stderr) }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("timed out waiting for \(what)\nstdout:\n\(stdout)\nstderr:\n\(stderr)")
        return false
    }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// The port the daemon serves on (it listens on 127.0.0.1:0), from its log line.
    func servingPort() async throws -> Int {
        try await waitFor("the serving line") { _, err in err.contains("serving http://127.0.0.1:") }
        let line = try #require(stderr.split(separator: "\n").first { $0.contains("serving http://127.0.0.1:") })
        return try #require(Int((line.split(separator: "127.0.0.1:").last ?? "").prefix { $0.isNumber }))
    }

    /// Waits for the process to exit and returns its status (kills it after the timeout).
    func wait(timeout: Duration = .seconds(20)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        if process.isRunning {
            process.terminate()
            Issue.record("process did not exit in time\nstderr:\n\(stderr)")
        }
        process.waitUntilExit()
        // Drain what is left without waiting for EOF: another child (a CPU hog) may have
        // inherited the pipe's write end and keep it open.
        for (pipe, isOut) in [(stdoutPipe, true), (stderrPipe, false)] {
            pipe.fileHandleForReading.readabilityHandler = nil
            let fd = pipe.fileHandleForReading.fileDescriptor
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = read(fd, &buffer, buffer.count)
                if count <= 0 { break }
                let chunk = Data(buffer[0..<count])
                lock.withLock { if isOut { out.append(chunk) } else { err.append(chunk) } }
            }
        }
        return process.terminationStatus
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
