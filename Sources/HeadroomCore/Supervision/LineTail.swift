/// The last `capacity` lines of a byte stream fed in arbitrary chunks (a child's stderr),
/// and how many lines held one of the `watched` phrases (every line is checked, kept or not).
public struct LineTail: Sendable, Hashable {
    public let capacity: Int
    public private(set) var lines: [String] = []
    private var partial: [UInt8] = []
    /// Longest line kept; the rest of a longer line is dropped.
    static let maximumLineBytes = 512
    private let watched: [String]
    /// Lines that held a watched phrase.
    public private(set) var watchedLines = 0
    /// The last such line.
    public private(set) var lastWatchedLine: String?

    public init(capacity: Int, watching watched: [String] = []) {
        self.capacity = capacity
        self.watched = watched
    }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                push()
            } else if partial.count < Self.maximumLineBytes {
                partial.append(byte)
            }
        }
    }

    /// The kept lines plus an unterminated last line.
    public var text: [String] {
        partial.isEmpty ? lines : Array((lines + [String(decoding: partial, as: UTF8.self)]).suffix(capacity))
    }

    private mutating func push() {
        let line = String(decoding: partial, as: UTF8.self)
        if !watched.isEmpty, watched.contains(where: { line.contains($0) }) {
            watchedLines += 1
            lastWatchedLine = line
        }
        lines.append(line)
        partial.removeAll(keepingCapacity: true)
        if lines.count > capacity { lines.removeFirst(lines.count - capacity) }
    }
}
