import Glibc
import HeadroomCore

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

/// The real runner, on `Subprocess` (posix_spawn; stdout to /dev/null).
public struct LiveCommandRunner: CommandRunner {
    public init() {}

    public func run(_ arguments: [String], environment: [String: String], input: [UInt8], timeout: Duration) async throws(DeliveryError) -> CommandResult {
        guard let program = arguments.first else { throw .permanent("exec: the command is empty") }
        let child: Subprocess
        do throws(Subprocess.SpawnError) {
            child = try Subprocess(arguments, environment: environment, standardInput: .pipe, standardOutput: .null, standardError: .pipe)
        } catch {
            throw .permanent("exec: cannot start \(program): \(error.reason); give an absolute path to an executable")
        }
        let errorText = LockedValue<[UInt8]>([])
        // Read as it comes (a command that fills the pipe must not block), keeping the first 4 KiB.
        let stderr = child.standardError.map { fd in
            PipeReader(fd, name: "headroom-exec") { chunk in
                errorText.withLock { $0.append(contentsOf: chunk.prefix(max(0, 4096 - $0.count))) }
            }
        }
        // Written on a thread of its own, so a command that does not read its input is still
        // stopped on time; one that exits without reading it is EPIPE there, which is fine.
        if let stdin = child.standardInput {
            DetachedThread.start(name: "headroom-stdin") {
                Subprocess.write(input, to: stdin)
                close(stdin)
            }
        }
        var termination = await child.termination(within: timeout)
        let timedOut = termination == nil
        if timedOut {
            child.signal(SIGTERM)
            // SIGTERM may be trapped and ignored: SIGKILL after a second.
            termination = await child.termination(within: .seconds(1))
            if termination == nil {
                child.signal(SIGKILL)
                termination = await child.termination(within: .seconds(30))
            }
        }
        // Everything the command wrote is in the pipe now; a grandchild holding it open is not waited for.
        await stderr?.stop()
        let status: Int32? =
            switch termination {
            case .exited(let code): code
            case .signaled, nil: nil
            }
        return CommandResult(status: status, timedOut: timedOut, standardError: String(decoding: errorText.withLock { $0 }, as: UTF8.self))
    }
}
