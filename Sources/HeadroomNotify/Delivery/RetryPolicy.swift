import HeadroomCore

/// When to try a failed delivery again: capped exponential backoff with jitter (pure; the
/// randomness is an input).
public struct RetryPolicy: Sendable, Hashable {
    /// Delay before the first retry.
    public var initial: Duration
    /// The longest delay between two attempts.
    public var maximum: Duration

    public init(initial: Duration = .seconds(1), maximum: Duration = .seconds(300)) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The delay after `attempt` failed attempts (1 = the first attempt failed), without jitter.
    public func delay(afterAttempt attempt: Int) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let seconds = initial.headroomSeconds * Double(1 << exponent)
        return seconds >= maximum.headroomSeconds ? maximum : .milliseconds(Int64(seconds * 1000))
    }

    /// The delay with "equal jitter": half the backoff plus `jitter` (in 0..<1) times the
    /// other half, so retries of many notifications spread out instead of arriving together.
    public func delay(afterAttempt attempt: Int, jitter: Double) -> Duration {
        let base = delay(afterAttempt: attempt).headroomSeconds
        let fraction = min(max(jitter, 0), 1)
        return .milliseconds(Int64((base / 2 + base / 2 * fraction) * 1000))
    }
}
