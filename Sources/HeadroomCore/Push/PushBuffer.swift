/// The bounded buffer of lines waiting to be pushed.
///
/// Overflow policy: **drop the oldest lines** (the newest data matters most for a live
/// view, and a long outage should not block the daemon); every dropped line is counted.
/// A batch stays in the buffer until it is acknowledged, so a failed send loses nothing.
public struct PushBuffer: Sendable {
    public let capacity: Int
    private var lines: [String] = []
    private var start = 0
    /// Lines removed from the front of `lines` by compaction (so positions stay absolute).
    private var compacted = 0
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

    /// The oldest `maximum` lines (not removed until acknowledged), and the position just
    /// after the last of them, for `acknowledge(through:)`.
    public func batch(maximum: Int) -> (lines: [String], end: Int) {
        let taken = Array(lines[start..<min(lines.count, start + maximum)])
        return (taken, compacted + start + taken.count)
    }

    /// Removes the lines of a batch after they were delivered (or rejected for good): every
    /// line before `end`. Lines dropped for room meanwhile are not removed twice, and lines
    /// appended after the batch stay.
    public mutating func acknowledge(through end: Int) {
        start = min(lines.count, max(start, end - compacted))
        compact()
    }

    private mutating func compact() {
        if start > 4096 && start * 2 > lines.count {
            lines.removeFirst(start)
            compacted += start
            start = 0
        }
    }
}
