import Synchronization

/// How Headroom's channels and commands sleep: the SMTP conversation's limit, the
/// Alertmanager channel's resend loop, a supervised child's restart delay. (A limit on a
/// wait for something that arrives from another thread, such as a child's end, is an alarm
/// on a `DaemonClock` instead: `Eventual`.)
///
/// `Task.sleep` until the daemon says otherwise. On Swift 6.3 `Task.sleep` always goes to
/// Dispatch's pool, whose first job starts libdispatch's one-second monitor for good; the
/// daemon, which runs Swift concurrency on its own threads (`TaskThreads`), points this at
/// its alarm timer instead, once, at start.
package enum TimedWait {
    package typealias Sleep = @Sendable (Duration) async throws -> Void

    private static let sleeper = Mutex<Sleep?>(nil)

    /// Every later `sleep(for:)` in this process goes to `sleep`, which must throw
    /// `CancellationError` when its task is cancelled, as `Task.sleep` does.
    package static func use(_ sleep: @escaping Sleep) {
        sleeper.withLock { $0 = sleep }
    }

    /// Suspends for `duration`; throws `CancellationError` when the task is cancelled.
    package static func sleep(for duration: Duration) async throws {
        if let sleep = sleeper.withLock({ $0 }) {
            try await sleep(duration)
        } else {
            try await Task.sleep(for: duration)
        }
    }
}
