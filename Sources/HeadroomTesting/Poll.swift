/// Waiting for something another thread or process does, without holding a concurrency
/// thread: asks every `every` until the answer comes or `timeout` passes. Liveness only,
/// never a timing figure; the timeout is for a broken build, not a slow machine.
public enum Poll {
    /// `probe`'s first value; nil if none came within `timeout`.
    public static func value<T>(
        within timeout: Duration = .seconds(20), every: Duration = .milliseconds(10), _ probe: () async throws -> T?
    ) async throws -> T? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let value = try await probe() { return value }
            guard ContinuousClock.now < deadline else { return nil }
            try await Task.sleep(for: every)
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
