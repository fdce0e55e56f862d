import Synchronization

/// A value that arrives once, from any thread: any number of tasks await it, each with an
/// optional time limit, without holding a concurrency thread. How a child's end (Subprocess),
/// a pipe's end (PipeReader) and a call on a disk that may hang (DiskCalls) reach async code.
package final class Eventual<Value: Sendable>: Sendable {
    /// One call of `value(within:clock:)`, from the call until it returns.
    private enum Waiter {
        /// Called, not yet suspended.
        case called
        /// Its time ran out (or its task was cancelled) before it suspended.
        case abandoned
        case suspended(CheckedContinuation<Value?, Never>)
    }

    private struct State {
        var value: Value?
        /// Calls that have not returned, by id (none once the value is here).
        var waiters: [Int: Waiter] = [:]
        var nextWaiter = 0
    }
    private let state = Mutex(State())

    package init() {}

    /// The value, if it has arrived.
    package var current: Value? { state.withLock { $0.value } }

    /// Sets the value (the first call wins) and releases every waiter.
    package func complete(_ value: Value) {
        let suspended = state.withLock { state -> [CheckedContinuation<Value?, Never>] in
            guard state.value == nil else { return [] }
            state.value = value
            defer { state.waiters = [:] }
            return state.waiters.values.compactMap { waiter in
                if case .suspended(let continuation) = waiter { continuation } else { nil }
            }
        }
        for continuation in suspended { continuation.resume(returning: value) }
    }

    /// The value once it arrives; nil when `limit` passes first on `clock`, or the task is
    /// cancelled.
    ///
    /// The limit is an alarm on `clock`, set by this call before it suspends, so it counts
    /// from the call and fires on the clock's own thread (the real clock's watchdog) however
    /// long every concurrency thread stays busy. An alarm task started here could itself
    /// start late under load, and a command's timeout with it.
    package func value(within limit: Duration? = nil, clock: some DaemonClock = SystemClock()) async -> Value? {
        let id = state.withLock { state -> Int? in
            guard state.value == nil else { return nil }
            state.nextWaiter += 1
            state.waiters[state.nextWaiter] = .called
            return state.nextWaiter
        }
        guard let id else { return current }
        let alarm = limit.map { limit in clock.schedule(at: clock.uptime() + limit) { [self] in abandon(id) } }
        defer {
            if let alarm { clock.cancel(alarm) }
            // Returned: an alarm already running now finds nothing to abandon.
            state.withLock { _ = $0.waiters.removeValue(forKey: id) }
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
                let now = state.withLock { state -> Value?? in
                    if let value = state.value { return .some(value) }
                    if case .abandoned = state.waiters[id] { return .some(nil) }
                    if Task.isCancelled { return .some(nil) }
                    state.waiters[id] = .suspended(continuation)
                    return .none
                }
                if let now { continuation.resume(returning: now) }
            }
        } onCancel: {
            abandon(id)
        }
    }

    /// Ends the wait of call `id` with nil, now or (not suspended yet) as soon as it suspends.
    private func abandon(_ id: Int) {
        let suspended = state.withLock { state -> CheckedContinuation<Value?, Never>? in
            switch state.waiters[id] {
            case .called:
                state.waiters[id] = .abandoned
                return nil
            case .suspended(let continuation):
                state.waiters[id] = .abandoned
                return continuation
            case .abandoned, nil:
                return nil
            }
        }
        suspended?.resume(returning: nil)
    }
}
