/// Waiting for something another thread or process does, without holding a concurrency
/// thread: asks every `every` until the answer comes or `timeout` passes. Liveness only,
/// never a timing figure; the timeout is for a broken build, not a slow machine.
///
/// The timeout counts the time the poll asked to wait and the time its probes took, not the
/// time it was kept from running: a sleep that ends late (under load, the suite's first
/// half-minute queues a wake-up behind hundreds of starting tests for over 20 s: most of the
/// suite's tests, however quick, report 22-27 s) moves the deadline by as much,
/// so the poll always asks again once it runs, instead of waking past its deadline and giving
/// up after one look at something the same starvation held back.
public enum Poll {
    /// `probe`'s first value; nil if none came within `timeout`.
    public static func value<T>(
        within timeout: Duration = .seconds(20), every: Duration = .milliseconds(10), _ probe: () async throws -> T?
    ) async throws -> T? {
        try await value(within: timeout, every: every, clock: ContinuousClock(), probe)
    }

    /// `value(within:every:_:)` on `clock` (a test's clock that can end a sleep late).
    public static func value<T, C: Clock<Duration>>(
        within timeout: Duration, every: Duration, clock: C, _ probe: () async throws -> T?
    ) async throws -> T? {
        var deadline = clock.now.advanced(by: timeout)
        while true {
            if let value = try await probe() { return value }
            let asleep = clock.now
            guard asleep < deadline else { return nil }
            try await clock.sleep(for: every)
            let late = asleep.duration(to: clock.now) - every
            if late > .zero { deadline = deadline.advanced(by: late) }
        }
    }

    /// Whether `condition` came to hold within `timeout`.
    @discardableResult
    public static func until(
        within timeout: Duration = .seconds(20), every: Duration = .milliseconds(10), _ condition: () async throws -> Bool
    ) async throws -> Bool {
        try await value(within: timeout, every: every) { try await condition() ? true : nil } ?? false
    }
}
