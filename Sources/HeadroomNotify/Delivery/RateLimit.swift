public import Foundation
import HeadroomCore

/// At most `count` messages per `window` (pure).
public struct RateLimit: Sendable, Hashable {
    public var count: Int
    public var window: Duration

    public init(count: Int, window: Duration) {
        self.count = count
        self.window = window
    }
}

/// The messages one channel sent recently, against its limits (pure; time is an input).
public struct RateBudget: Sendable, Hashable {
    public var limits: [RateLimit]
    /// Send times, oldest first, kept only as long as the longest window.
    public private(set) var sent: [Date] = []

    public init(limits: [RateLimit], sent: [Date] = []) {
        self.limits = limits
        self.sent = sent.sorted()
    }

    /// How many messages may go now (`Int.max` without limits).
    public func available(at now: Date) -> Int {
        limits.map { limit in
            let since = now.addingTimeInterval(-limit.window.headroomSeconds)
            return max(0, limit.count - sent.filter { $0 > since }.count)
        }.min() ?? Int.max
    }

    /// Counts one message sent at `now`.
    public mutating func record(at now: Date) {
        sent.append(now)
        let longest = limits.map(\.window.headroomSeconds).max() ?? 0
        sent.removeAll { $0 <= now.addingTimeInterval(-longest) }
    }
}
