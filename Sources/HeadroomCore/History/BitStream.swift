/// Bits appended most significant first into bytes: what a compressed chunk is written with.
public struct BitWriter: Sendable, Hashable {
    public private(set) var bytes: [UInt8] = []
    /// Bits used in the last byte (0: it is full, or there is none).
    private var used = 0

    public init() {}

    /// The number of bits written.
    public var bitCount: Int { bytes.count * 8 - (used == 0 ? 0 : 8 - used) }

    /// Appends the low `count` bits of `value` (0...64), most significant first.
    public mutating func write(_ value: UInt64, bits count: Int) {
        precondition((0...64).contains(count), "bit count \(count) out of 0...64")
        var left = count
        while left > 0 {
            if used == 0 { bytes.append(0) }
            let room = 8 - used
            let take = min(room, left)
            let chunk = UInt8(truncatingIfNeeded: (value >> UInt64(left - take)) & ((1 << UInt64(take)) - 1))
            bytes[bytes.count - 1] |= chunk << UInt8(room - take)
            used = (used + take) % 8
            left -= take
        }
    }

    public mutating func write(bit: Bool) { write(bit ? 1 : 0, bits: 1) }
}

/// Reads what a `BitWriter` wrote; nil past the end.
public struct BitReader: Sendable {
    private let bytes: [UInt8]
    private var position = 0

    public init(_ bytes: [UInt8], startingAtByte offset: Int = 0) {
        self.bytes = bytes
        position = offset * 8
    }

    public mutating func read(bits count: Int) -> UInt64? {
        precondition((0...64).contains(count), "bit count \(count) out of 0...64")
        guard position + count <= bytes.count * 8 else { return nil }
        var value: UInt64 = 0
        var left = count
        while left > 0 {
            let offset = position % 8
            let take = min(8 - offset, left)
            let byte = UInt64(bytes[position / 8])
            let chunk = (byte >> UInt64(8 - offset - take)) & ((1 << UInt64(take)) - 1)
            value = value << UInt64(take) | chunk
            position += take
            left -= take
        }
        return value
    }

    public mutating func readBit() -> Bool? { read(bits: 1).map { $0 == 1 } }
}
