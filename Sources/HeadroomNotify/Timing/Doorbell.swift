import Synchronization

/// Wakes one waiting task: `ring()` from anywhere, `wait()` sleeps until rung. A ring while
/// nobody waits is remembered (once), so none is lost.
package final class Doorbell: Sendable {
    private struct State {
        var rung = false
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state = Mutex(State())

    package init() {}

    package func ring() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter.take() { return waiter }
            state.rung = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns when rung, at `deadline` on `clock` (nil: no deadline), or when the task is
    /// cancelled. The deadline is an alarm that rings: the caller cannot tell them apart, and
    /// need not, since it looks at what is due either way.
    package func wait(until deadline: MonotonicInstant?, on clock: any DaemonClock) async {
        let alarm = deadline.map { clock.schedule(at: $0) { self.ring() } }
        await wait()
        if let alarm { clock.cancel(alarm) }
    }

    /// Returns when rung or when the task is cancelled.
    package func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if state.rung || Task.isCancelled {
                        state.rung = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiter.take() }?.resume()
        }
    }
}
