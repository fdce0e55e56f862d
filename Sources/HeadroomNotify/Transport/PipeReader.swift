import CLinuxShims
import Glibc
import Synchronization

/// Reads a child's pipe to its end on a thread of its own, handing each chunk to `body`
/// there. It owns the descriptor and is the only one to close it, after its last read: a
/// descriptor closed under a reader (and its number reused) is the bug this replaces
/// (FileHandle's `readabilityHandler`, a dispatch source cancelled asynchronously).
///
/// A grandchild may inherit the pipe and keep it open after the child has gone, so the end
/// of the stream can be far off: `end(within:)` waits for it with a bound, and `stop()`
/// reads what the pipe already holds and then lets go.
package final class PipeReader: Sendable {
    private struct State {
        var finished = false
        var stopRequested = false
    }
    private let state = Mutex(State())
    private let ended = Eventual<Void>()
    /// Wakes the reader out of `poll` for `stop()`: [read end, write end], non-blocking.
    private let wake: [Int32]

    /// Starts reading `fd` (a pipe's read end, blocking) on a thread called `name`.
    package init(_ fd: Int32, name: String, _ body: @escaping @Sendable ([UInt8]) -> Void) {
        var fds: [Int32] = [-1, -1]
        // Out of descriptors: read to the end without being stoppable (stop then waits for EOF).
        if pipe2(&fds, O_CLOEXEC | O_NONBLOCK) != 0 { fds = [-1, -1] }
        wake = fds
        DetachedThread.start(name: name) { [self] in
            readUntilDone(fd, body)
            state.withLock { state in
                state.finished = true
                close(fd)
                if wake[0] >= 0 {
                    close(wake[0])
                    close(wake[1])
                }
            }
            ended.complete(())
        }
    }

    private func readUntilDone(_ fd: Int32, _ body: ([UInt8]) -> Void) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var watched = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: wake[0], events: Int16(POLLIN), revents: 0)]
        var stopping = false
        while true {
            // Once asked to stop, only what is already in the pipe: poll without waiting.
            let ready = poll(&watched, stopping ? 1 : 2, stopping ? 0 : -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if !stopping && watched[1].revents != 0 {
                stopping = true
                continue
            }
            if watched[0].revents == 0 {
                if stopping { return }
                continue
            }
            let count = Glibc.read(fd, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return }
            body(Array(buffer[0..<count]))
        }
    }

    /// True once the stream has ended (or the reader stopped) and the descriptor is closed.
    package var isFinished: Bool { ended.current != nil }

    /// Waits until the stream has ended; false when `limit` passed first (the reader keeps going).
    @discardableResult
    package func end(within limit: Duration) async -> Bool {
        await ended.value(within: limit) != nil
    }

    /// Reads what the pipe holds now, then stops and closes it; returns once it has. Call it
    /// after the writer has exited: everything it wrote is then in the pipe.
    package func stop() async {
        state.withLock { state in
            guard !state.finished, !state.stopRequested, wake[1] >= 0 else { return }
            state.stopRequested = true
            var byte: UInt8 = 1
            _ = Glibc.write(wake[1], &byte, 1)
        }
        _ = await ended.value()
    }
}
