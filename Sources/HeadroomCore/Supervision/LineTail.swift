/// The last `capacity` lines of a byte stream fed in arbitrary chunks (a child's stderr).
public struct LineTail: Sendable, Hashable {
    public let capacity: Int
    public private(set) var lines: [String] = []
    private var partial: [UInt8] = []
    /// Longest line kept; the rest of a longer line is dropped.
    static let maximumLineBytes = 512

    public init(capacity: Int) {
        self.capacity = capacity
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
        lines.append(String(decoding: partial, as: UTF8.self))
        partial.removeAll(keepingCapacity: true)
        if lines.count > capacity { lines.removeFirst(lines.count - capacity) }
    }
}
