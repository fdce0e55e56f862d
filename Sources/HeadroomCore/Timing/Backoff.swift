/// Capped exponential backoff, the one used everywhere Headroom tries again: failed
/// deliveries, pushes, a supervised child's restarts, NVML initialisation (pure; the
/// randomness is an input).
public struct Backoff: Sendable, Hashable {
    /// The delay after the first failure.
    public var initial: Duration
    /// The longest delay.
    public var maximum: Duration

    public init(initial: Duration = .seconds(1), maximum: Duration = .seconds(300)) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The delay after `failures` consecutive failures (1: the first attempt failed):
    /// `initial`, doubling per failure, at most `maximum`.
    public func delay(afterFailures failures: Int) -> Duration {
        min(initial * Self.steps(afterFailures: failures, maximum: 1 << 30), maximum)
    }

    /// The delay with "equal jitter": half the backoff plus `jitter` (in 0...1) times the
    /// other half, so retries of many notifications spread out instead of arriving together.
    public func delay(afterFailures failures: Int, jitter: Double) -> Duration {
        let half = delay(afterFailures: failures) / 2
        return half + half * min(max(jitter, 0), 1)
    }

    /// The doubling itself, for backoffs counted in rounds rather than time: 1, 2, 4, …
    /// after 1, 2, 3, … failures, at most `maximum` (and 1 for no failure).
    public static func steps(afterFailures failures: Int, maximum: Int) -> Int {
        let exponent = min(max(failures - 1, 0), 62)
        let steps = 1 << exponent
        return min(steps, maximum)
    }
}
