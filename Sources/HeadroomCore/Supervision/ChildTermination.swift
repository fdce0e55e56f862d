/// How a supervised child process ended.
public enum ChildTermination: Sendable, Hashable, CustomStringConvertible {
    /// It called exit with this code.
    case exited(code: Int32)
    /// A signal ended it.
    case signaled(signal: Int32)

    /// The status a shell (and a container runtime) reports: the code, or 128 + the signal.
    public var exitStatus: Int32 {
        switch self {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
    }

    /// True unless it exited with code 0.
    public var isFailure: Bool { self != .exited(code: 0) }

    public var description: String {
        switch self {
        case .exited(let code): "exited with code \(code)"
        case .signaled(let signal):
            switch signal {
            case 9: "was killed by signal 9 (SIGKILL: the kernel's OOM killer, or kill -9)"
            default: "was killed by signal \(signal)" + (Self.signalNames[signal].map { " (\($0))" } ?? "")
            }
        }
    }

    static let signalNames: [Int32: String] = [
        1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 6: "SIGABRT", 7: "SIGBUS", 8: "SIGFPE", 11: "SIGSEGV",
        13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM",
    ]

    /// Decodes a `waitpid` status word (Linux layout).
    public static func decode(waitStatus status: Int32) -> ChildTermination? {
        let low = status & 0x7f
        if low == 0 { return .exited(code: (status >> 8) & 0xff) }
        if low != 0x7f { return .signaled(signal: low) }
        return nil // stopped, not ended
    }
}
