import Foundation
import Synchronization

/// Copies the child's stderr to Headroom's own stderr on a thread of its own, keeping the
/// last lines in `ChildState` for the crash alert.
final class StderrForwarder: Sendable {
    private let finished = Mutex(false)

    init(fd: Int32, state: ChildState) {
        DetachedThread.start(name: "headroom-stderr") { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(fd, &buffer, buffer.count)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                let chunk = Array(buffer[0..<count])
                chunk.withUnsafeBytes { _ = write(2, $0.baseAddress, count) }
                state.appendStderr(chunk)
            }
            close(fd)
            self.finished.withLock { $0 = true }
        }
    }

    /// Waits (bounded: a grandchild may keep the pipe open) until the stream has ended.
    func drain(timeout: Duration = .milliseconds(500)) async {
        let deadline = ContinuousClock.now + timeout
        while !finished.withLock({ $0 }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }
}
