import Glibc
import HeadroomNotify

/// Copies the child's stderr to Headroom's own stderr on a thread of its own, keeping the
/// last lines in `ChildState` for the crash alert.
final class StderrForwarder: Sendable {
    private let reader: PipeReader

    init(fd: Int32, state: ChildState) {
        reader = PipeReader(fd, name: "headroom-stderr") { chunk in
            chunk.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
            state.appendStderr(chunk)
        }
    }

    /// Waits (bounded: a grandchild may keep the pipe open) until the stream has ended.
    func drain(timeout: Duration = .milliseconds(500)) async {
        await reader.end(within: timeout)
    }
}
