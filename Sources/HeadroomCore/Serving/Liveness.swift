#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// The liveness check: the sampling loop is alive while rounds keep coming.
public struct Liveness: Sendable, Hashable {
    public var isAlive: Bool
    /// Seconds since the latest round (nil before the first).
    public var lastSampleAgeSeconds: Double?
    /// The age beyond which the loop counts as stuck.
    public var limitSeconds: Double

    /// Alive while the latest round is at most three intervals old (at least 10 s), or, before
    /// the first round, while the daemon started less than that long ago.
    public static func evaluate(lastSample: Date?, startedAt: Date, now: Date, interval: Duration) -> Liveness {
        let limit = max(3 * interval.headroomSeconds, 10)
        guard let lastSample else {
            return Liveness(isAlive: now.timeIntervalSince(startedAt) <= limit, lastSampleAgeSeconds: nil, limitSeconds: limit)
        }
        let age = max(0, now.timeIntervalSince(lastSample))
        return Liveness(isAlive: age <= limit, lastSampleAgeSeconds: age, limitSeconds: limit)
    }
}
