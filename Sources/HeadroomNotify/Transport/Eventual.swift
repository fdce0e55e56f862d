import Synchronization

/// A value that arrives once, from any thread: any number of tasks await it, each with an
/// optional time limit, without holding a concurrency thread. How a child's end (Subprocess)
/// and a pipe's end (PipeReader) reach async code.
package final class Eventual<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var waiters: [Int: CheckedContinuation<Value?, Never>] = [:]
        /// Waiters whose time ran out (or whose task was cancelled) before they were registered.
        var abandoned: Set<Int> = []
        var nextWaiter = 0
    }
    private let state = Mutex(State())

    package init() {}

    /// The value, if it has arrived.
    package var current: Value? { state.withLock { $0.value } }

    /// Sets the value (the first call wins) and releases every waiter.
    package func complete(_ value: Value) {
        let waiters = state.withLock { state -> [CheckedContinuation<Value?, Never>] in
            guard state.value == nil else { return [] }
            state.value = value
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: value) }
    }

    /// The value once it arrives; nil when `limit` passes first or the task is cancelled.
    /// The limit counts from this call: an alarm task that starts late (every concurrency
    /// thread busy) sleeps only what is left of it.
    package func value(within limit: Duration? = nil) async -> Value? {
        let id = state.withLock { state -> Int? in
            guard state.value == nil else { return nil }
            state.nextWaiter += 1
            return state.nextWaiter
        }
        guard let id else { return current }
        let called = ContinuousClock.now
        let alarm = limit.map { limit in
            Task { [self] in
                let left = limit - called.duration(to: .now)
                if left > .zero {
                    guard (try? await TimedWait.sleep(for: left)) != nil else { return }
                } else if Task.isCancelled {
                    return
                }
                abandon(id)
            }
        }
        defer { alarm?.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
                let now = state.withLock { state -> Value?? in
                    if let value = state.value { return .some(value) }
                    if state.abandoned.remove(id) != nil || Task.isCancelled { return .some(nil) }
                    state.waiters[id] = continuation
                    return .none
                }
                if let now { continuation.resume(returning: now) }
            }
        } onCancel: {
            abandon(id)
        }
    }

    private func abandon(_ id: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Value?, Never>? in
            if let waiter = state.waiters.removeValue(forKey: id) { return waiter }
            // Not registered yet: leave a note for it (never needed once the value is here).
            if state.value == nil { state.abandoned.insert(id) }
            return nil
        }
        waiter?.resume(returning: nil)
    }
}
