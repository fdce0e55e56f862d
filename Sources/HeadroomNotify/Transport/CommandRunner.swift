import Foundation

/// What a finished command did.
public struct CommandResult: Sendable, Hashable {
    /// The exit status, or nil when the command was killed (timeout, signal).
    public var status: Int32?
    public var timedOut: Bool
    /// The first 4 KiB of standard error, for the error message.
    public var standardError: String

    public init(status: Int32?, timedOut: Bool, standardError: String) {
        self.status = status
        self.timedOut = timedOut
        self.standardError = standardError
    }
}

/// Runs a program: the I/O seam of the exec channel.
///
/// Implementation requirements: run `arguments[0]` directly (never through a shell) with
/// exactly `environment`; write `input` to its standard input and close it; after `timeout`
/// terminate it (SIGTERM, then SIGKILL a second later) and report `timedOut`.
public protocol CommandRunner: Sendable {
    func run(_ arguments: [String], environment: [String: String], input: [UInt8], timeout: Duration) async throws(DeliveryError) -> CommandResult
}

/// The real runner, on Foundation's `Process`.
public struct LiveCommandRunner: CommandRunner {
    public init() {}

    /// True once `process` has exited (and been reaped), false after `limit`.
    private static func waitForExit(_ process: Process, within limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while process.isRunning {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    private static let ignoreBrokenPipe: Void = { signal(SIGPIPE, SIG_IGN) }()

    public func run(_ arguments: [String], environment: [String: String], input: [UInt8], timeout: Duration) async throws(DeliveryError) -> CommandResult {
        guard let program = arguments.first else { throw .permanent("exec: the command is empty") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = Array(arguments.dropFirst())
        process.environment = environment
        let stdin = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderr
        let exited = AsyncStream<Void>.makeStream()
        process.terminationHandler = { _ in
            exited.continuation.yield()
            exited.continuation.finish()
        }
        do {
            try process.run()
        } catch {
            throw .permanent("exec: cannot start \(program): \(error.localizedDescription); give an absolute path to an executable")
        }
        // A command that exits without reading its input must not kill us with SIGPIPE:
        // ignore it process-wide (the write then fails with EPIPE, which is fine here).
        _ = Self.ignoreBrokenPipe
        try? stdin.fileHandleForWriting.write(contentsOf: Data(input))
        try? stdin.fileHandleForWriting.close()
        let finished: Bool = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await _ in exited.stream {}
                return !Task.isCancelled
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        if !finished {
            process.terminate()
            // SIGTERM may be ignored (inherited as ignored, or trapped): SIGKILL after a second.
            // Waits without blocking a Swift concurrency thread (a blocked one starves the pool).
            if await !Self.waitForExit(process, within: .seconds(1)) {
                kill(process.processIdentifier, SIGKILL)
                _ = await Self.waitForExit(process, within: .seconds(30))
            }
        }
        let errorText = String(decoding: stderr.fileHandleForReading.availableData.prefix(4096), as: UTF8.self)
        let status: Int32? = process.terminationReason == .exit ? process.terminationStatus : nil
        return CommandResult(status: status, timedOut: !finished, standardError: errorText)
    }
}
