/// The bounded buffer of lines waiting to be pushed.
///
/// Overflow policy: **drop the oldest lines** (the newest data matters most for a live
/// view, and a long outage should not block the daemon); every dropped line is counted.
/// A batch stays in the buffer until it is acknowledged, so a failed send loses nothing.
public struct PushBuffer: Sendable {
    public let capacity: Int
    private var lines: [String] = []
    private var start = 0
    /// Lines dropped because the buffer was full.
    public private(set) var droppedTotal = 0

    public init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    public var count: Int { lines.count - start }

    /// Appends, dropping the oldest lines beyond the capacity. Returns how many were dropped.
    @discardableResult
    public mutating func append(_ new: [String]) -> Int {
        lines.append(contentsOf: new)
        let excess = count - capacity
        if excess > 0 {
            start += excess
            droppedTotal += excess
        }
        compact()
        return max(0, excess)
    }

    /// The oldest `maximum` lines (not removed until `acknowledge`).
    public func batch(maximum: Int) -> [String] {
        Array(lines[start..<min(lines.count, start + maximum)])
    }

    /// Removes the oldest `count` lines after they were delivered (or rejected for good).
    public mutating func acknowledge(_ delivered: Int) {
        start = min(lines.count, start + delivered)
        compact()
    }

    private mutating func compact() {
        if start > 4096 && start * 2 > lines.count {
            lines.removeFirst(start)
            start = 0
        }
    }
}
