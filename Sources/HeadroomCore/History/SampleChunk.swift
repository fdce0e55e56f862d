/// One series' samples, compressed as Gorilla (Facebook's in-memory TSDB, VLDB 2015) and
/// Prometheus' XOR chunks do: timestamps as the difference of their differences (a regular
/// interval costs one bit a sample), values as the XOR with the previous value, writing only
/// its meaningful bits (an unchanged value costs one bit). Pure: the history store keeps
/// these bytes, a backtest and the query API decode them.
///
/// Layout: a 2-byte big-endian sample count, then the bit stream. Timestamps are milliseconds
/// since 1970 (differences wrap, so any two round-trip). Values keep their exact bits, NaN payloads included.
public struct SampleChunk: Sendable, Hashable {
    /// A chunk holds at most this many samples (the count's width).
    public static let capacity = Int(UInt16.max)

    private var stream = BitWriter()
    public private(set) var count = 0
    private var lastTime: Int64 = 0
    private var lastDelta: Int64 = 0
    private var lastBits: UInt64 = 0
    /// The window of the previous XOR's meaningful bits (leading -1: none written yet).
    private var windowLeading = -1
    private var windowTrailing = 0

    public init() {}

    public var isFull: Bool { count >= Self.capacity }

    /// The encoded chunk.
    public var bytes: [UInt8] { [UInt8(count >> 8), UInt8(count & 0xFF)] + stream.bytes }

    /// The time of the last sample appended (nil when empty).
    public var lastTimestamp: Int64? { count == 0 ? nil : lastTime }

    /// Appends one sample; `time` must not be before the previous one. False when full.
    @discardableResult
    public mutating func append(time: Int64, value: Double) -> Bool {
        guard !isFull else { return false }
        precondition(count == 0 || time >= lastTime, "samples must be appended in time order")
        let bits = value.bitPattern
        switch count {
        case 0:
            stream.write(UInt64(bitPattern: time), bits: 64)
            stream.write(bits, bits: 64)
        case 1:
            lastDelta = time &- lastTime
            writeDeltaOfDelta(lastDelta)
            writeXOR(bits ^ lastBits)
        default:
            let delta = time &- lastTime
            writeDeltaOfDelta(delta &- lastDelta)
            lastDelta = delta
            writeXOR(bits ^ lastBits)
        }
        lastTime = time
        lastBits = bits
        count += 1
        return true
    }

    /// Buckets of Prometheus' XOR chunk for millisecond timestamps: 0 → `0`; then a prefix of
    /// ones ended by a zero selects 14, 17 or 20 bits; `1111` is followed by all 64.
    static let buckets: [(prefix: UInt64, prefixBits: Int, bits: Int)] = [(0b10, 2, 14), (0b110, 3, 17), (0b1110, 4, 20)]

    private mutating func writeDeltaOfDelta(_ dod: Int64) {
        if dod == 0 {
            stream.write(bit: false)
            return
        }
        for bucket in Self.buckets where Self.fits(dod, bits: bucket.bits) {
            stream.write(bucket.prefix, bits: bucket.prefixBits)
            stream.write(UInt64(bitPattern: dod), bits: bucket.bits)
            return
        }
        stream.write(0b1111, bits: 4)
        stream.write(UInt64(bitPattern: dod), bits: 64)
    }

    /// Whether `value` is representable in `bits` two's-complement bits.
    static func fits(_ value: Int64, bits: Int) -> Bool {
        let limit = Int64(1) << Int64(bits - 1)
        return value >= -limit && value < limit
    }

    private mutating func writeXOR(_ xor: UInt64) {
        guard xor != 0 else {
            stream.write(bit: false)
            return
        }
        stream.write(bit: true)
        let leading = min(xor.leadingZeroBitCount, 31)
        let trailing = xor.trailingZeroBitCount
        if windowLeading >= 0, leading >= windowLeading, trailing >= windowTrailing {
            // Fits the previous window: its meaningful bits only.
            stream.write(bit: false)
            stream.write(xor >> UInt64(windowTrailing), bits: 64 - windowLeading - windowTrailing)
            return
        }
        let significant = 64 - leading - trailing
        stream.write(bit: true)
        stream.write(UInt64(leading), bits: 5)
        // 64 significant bits are written as 0 (they never are 0).
        stream.write(UInt64(significant & 63), bits: 6)
        stream.write(xor >> UInt64(trailing), bits: significant)
        windowLeading = leading
        windowTrailing = trailing
    }
}

extension SampleChunk {
    /// A chunk's samples, decoded from its bytes; nil when they are not a chunk (truncated,
    /// or a count the stream does not hold).
    public static func decode(_ bytes: [UInt8]) -> [(time: Int64, value: Double)]? {
        guard bytes.count >= 2 else { return nil }
        let count = Int(bytes[0]) << 8 | Int(bytes[1])
        var reader = BitReader(bytes, startingAtByte: 2)
        var samples: [(time: Int64, value: Double)] = []
        samples.reserveCapacity(count)
        var time: Int64 = 0
        var delta: Int64 = 0
        var bits: UInt64 = 0
        var window = (leading: 0, trailing: 0)
        for index in 0..<count {
            if index == 0 {
                guard let first = reader.read(bits: 64), let value = reader.read(bits: 64) else { return nil }
                time = Int64(bitPattern: first)
                bits = value
            } else {
                guard let dod = readDeltaOfDelta(&reader) else { return nil }
                delta = index == 1 ? dod : delta &+ dod
                time &+= delta
                guard let xor = readXOR(&reader, window: &window) else { return nil }
                bits ^= xor
            }
            samples.append((time, Double(bitPattern: bits)))
        }
        return samples
    }

    private static func readDeltaOfDelta(_ reader: inout BitReader) -> Int64? {
        var ones = 0
        while ones < 4 {
            guard let bit = reader.readBit() else { return nil }
            if !bit { break }
            ones += 1
        }
        let width = ones == 0 ? 0 : ones == 4 ? 64 : buckets[ones - 1].bits
        guard width > 0 else { return 0 }
        guard let raw = reader.read(bits: width) else { return nil }
        // Sign-extend from `width` bits.
        let shift = UInt64(64 - width)
        return Int64(bitPattern: raw << shift) >> Int64(shift)
    }

    private static func readXOR(_ reader: inout BitReader, window: inout (leading: Int, trailing: Int)) -> UInt64? {
        guard let changed = reader.readBit() else { return nil }
        guard changed else { return 0 }
        guard let newWindow = reader.readBit() else { return nil }
        if newWindow {
            guard let leading = reader.read(bits: 5), let stored = reader.read(bits: 6) else { return nil }
            let significant = stored == 0 ? 64 : Int(stored)
            window = (Int(leading), 64 - Int(leading) - significant)
            guard window.trailing >= 0 else { return nil }
        }
        let significant = 64 - window.leading - window.trailing
        guard significant > 0, let meaningful = reader.read(bits: significant) else { return nil }
        return meaningful << UInt64(window.trailing)
    }
}
