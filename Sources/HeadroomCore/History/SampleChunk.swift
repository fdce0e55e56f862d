/// One series' samples, compressed. Pure: the history store keeps these bytes, a backtest and
/// the query API decode them.
///
/// Timestamps (milliseconds since 1970) are coded as Gorilla (Facebook's in-memory TSDB, VLDB
/// 2015) and Prometheus' XOR chunks do: the difference of their differences, so a regular
/// interval costs one bit a sample. Values are coded as VictoriaMetrics does, as decimal
/// integers: a value that is an integer or has at most 12 decimals (as the shortest decimal
/// that reads back as the same `Double`) is a mantissa at a number of decimals, and a sample
/// costs the difference from the previous mantissa, in a bit window that the following
/// differences reuse (one bit when the value did not change). Any other value (NaN with its
/// payload, ±infinity, -0.0, values beyond 2^53 at their decimals) is kept as its 64 bits.
/// Every value reads back with exactly the bits it was appended with.
///
/// An open chunk appends (`bytes`, the streaming form). `sealedBytes` is the form a closed
/// chunk is stored in: a regular interval becomes two numbers, and values that all share a
/// decimal precision are packed at the width of their range when that is smaller (a constant
/// series then costs nothing a sample, a noisy percentage its range's bits).
///
/// Layout (all integers big-endian; varints are LEB128, signed ones zigzag):
/// - streaming: `1`, count (2 bytes), the time section's length (varint), time bits, value bits,
///   then a 4-byte checksum of what precedes it (both forms end with one).
/// - sealed: `2`, count (2 bytes); times: `0` first (varint) interval (varint), or `1` length
///   (varint) and the time bits; values: `0` and the value bits, or `1` decimals (1 byte),
///   the smallest mantissa (varint), width (1 byte), then each mantissa minus the smallest.
///
/// Value bits, per sample: `0` unchanged; `10` and the mantissa's difference in the current
/// window; `110`, the window (shift: 6 bits, width: 6 bits, 64 as 0), and the difference;
/// `1110`, decimals (4 bits), width (6 bits) and the whole mantissa; `1111` and 64 raw bits.
public struct SampleChunk: Sendable, Hashable {
    /// A chunk holds at most this many samples (the count's width).
    public static let capacity = Int(UInt16.max)
    /// The most decimals a value is coded with.
    public static let maximumDecimals = 12

    /// The two bit streams (internal: a log entry continues them, `SampleChunk+Log.swift`).
    var times = BitWriter()
    var values = BitWriter()
    public internal(set) var count = 0
    private var firstTime: Int64 = 0
    private var lastTime: Int64 = 0
    private var lastDelta: Int64 = 0
    /// Whether every interval so far equals the first.
    private var regular = true

    private var lastBits: UInt64 = 0
    /// Decimals of the current mantissa; -1 when the last value was written raw.
    private var decimals = -1
    private var mantissa: Int64 = 0
    /// The window differences are written in: `shift` low zero bits dropped, `width` kept (-1: none yet).
    private var windowShift = -1
    private var windowWidth = 0

    /// For sealing: whether every value had a mantissa, the most decimals used, the extremes.
    private var allDecimal = true
    private var mostDecimals = 0
    private var minimum = Double.infinity
    private var maximum = -Double.infinity

    public init() {}

    public var isFull: Bool { count >= Self.capacity }

    /// The time of the first sample (nil when empty).
    public var firstTimestamp: Int64? { count == 0 ? nil : firstTime }

    /// The time of the last sample appended (nil when empty).
    public var lastTimestamp: Int64? { count == 0 ? nil : lastTime }

    /// The encoded chunk, in the streaming form.
    public var bytes: [UInt8] {
        let timeBytes = times.bytes
        let valueBytes = values.bytes
        var out: [UInt8] = [1, UInt8(count >> 8), UInt8(count & 0xFF)]
        out.reserveCapacity(8 + timeBytes.count + valueBytes.count)
        Self.appendVarint(UInt64(timeBytes.count), to: &out)
        out += timeBytes
        out += valueBytes
        Self.appendChecksum(to: &out)
        return out
    }

    /// Appends one sample; `time` must not be before the previous one. False when full.
    @discardableResult
    public mutating func append(time: Int64, value: Double) -> Bool {
        guard !isFull else { return false }
        precondition(count == 0 || time >= lastTime, "samples must be appended in time order")
        switch count {
        case 0:
            times.write(UInt64(bitPattern: time), bits: 64)
            firstTime = time
        case 1:
            lastDelta = time &- lastTime
            writeDeltaOfDelta(lastDelta)
        default:
            let delta = time &- lastTime
            writeDeltaOfDelta(delta &- lastDelta)
            regular = regular && delta == lastDelta
            lastDelta = delta
        }
        lastTime = time
        appendValue(value)
        count += 1
        return true
    }

    // MARK: Times

    /// Buckets of Prometheus' XOR chunk for millisecond timestamps: 0 → `0`; then a prefix of
    /// ones ended by a zero selects 14, 17 or 20 bits; `1111` is followed by all 64.
    static let buckets: [(prefix: UInt64, prefixBits: Int, bits: Int)] = [(0b10, 2, 14), (0b110, 3, 17), (0b1110, 4, 20)]

    private mutating func writeDeltaOfDelta(_ dod: Int64) {
        if dod == 0 {
            times.write(0, bits: 1)
            return
        }
        for bucket in Self.buckets where Self.fits(dod, bits: bucket.bits) {
            times.write(bucket.prefix, bits: bucket.prefixBits)
            times.write(UInt64(bitPattern: dod), bits: bucket.bits)
            return
        }
        times.write(0b1111, bits: 4)
        times.write(UInt64(bitPattern: dod), bits: 64)
    }

    /// Whether `value` is representable in `bits` two's-complement bits.
    static func fits(_ value: Int64, bits: Int) -> Bool {
        let limit = Int64(1) << Int64(bits - 1)
        return value >= -limit && value < limit
    }

    // MARK: Values

    private mutating func appendValue(_ value: Double) {
        let bits = value.bitPattern
        if count > 0, bits == lastBits {
            values.write(0, bits: 1)
            return
        }
        lastBits = bits
        if decimals >= 0, let next = Self.mantissa(of: value, decimals: decimals) {
            let (delta, overflow) = next.subtractingReportingOverflow(mantissa)
            if !overflow {
                writeDifference(delta)
                mantissa = next
                noteDecimal(value)
                return
            }
        }
        if let (places, whole) = Self.decimal(value, preferring: max(decimals, 0)) {
            let zigzag = Self.zigzag(whole)
            let width = 64 - zigzag.leadingZeroBitCount
            values.write(0b1110, bits: 4)
            values.write(UInt64(places), bits: 4)
            values.write(UInt64(width), bits: 6)
            values.write(zigzag, bits: width)
            decimals = places
            mantissa = whole
            noteDecimal(value)
        } else {
            values.write(0b1111, bits: 4)
            values.write(bits, bits: 64)
            decimals = -1
            allDecimal = false
        }
    }

    @inline(__always)
    private mutating func noteDecimal(_ value: Double) {
        mostDecimals = max(mostDecimals, decimals)
        minimum = min(minimum, value)
        maximum = max(maximum, value)
    }

    /// Writes a mantissa's change (never 0) in the window, or in a new one that fits it.
    private mutating func writeDifference(_ delta: Int64) {
        let zeros = delta.trailingZeroBitCount
        if windowShift >= 0, zeros >= windowShift {
            let zigzag = Self.zigzag(delta >> Int64(windowShift))
            if windowWidth == 64 || zigzag >> UInt64(windowWidth) == 0 {
                values.write(0b10, bits: 2)
                values.write(zigzag, bits: windowWidth)
                return
            }
        }
        let shift = min(zeros, 63)
        let zigzag = Self.zigzag(delta >> Int64(shift))
        let width = 64 - zigzag.leadingZeroBitCount
        values.write(0b110, bits: 3)
        values.write(UInt64(shift), bits: 6)
        values.write(UInt64(width & 63), bits: 6)
        values.write(zigzag, bits: width)
        windowShift = shift
        windowWidth = width
    }

    /// Powers of ten up to `maximumDecimals`, all exact doubles.
    static let powers: [Double] = (0...maximumDecimals).map { places in (0..<places).reduce(1.0) { value, _ in value * 10 } }

    /// The integer `value` is at `decimals` places, when `Double(mantissa) / 10^decimals` gives
    /// back `value`'s exact bits (never for NaN, infinities, -0.0, or beyond 2^53).
    @inline(__always)
    static func mantissa(of value: Double, decimals: Int) -> Int64? {
        let power = powers[decimals]
        let scaled = value * power
        guard scaled.magnitude < 9_007_199_254_740_992 else { return nil }
        // Through the integer, as the decoder goes: -0.0 has no mantissa (it would read back as 0).
        let whole = Int64(scaled.rounded())
        guard (Double(whole) / power).bitPattern == value.bitPattern else { return nil }
        return whole
    }

    /// The fewest decimals (trying `preferred` and more first, to keep the current precision)
    /// at which `value` is a mantissa, and that mantissa.
    static func decimal(_ value: Double, preferring preferred: Int) -> (Int, Int64)? {
        guard value.isFinite else { return nil }
        for places in preferred...maximumDecimals {
            if let whole = mantissa(of: value, decimals: places) { return (places, whole) }
        }
        for places in 0..<preferred {
            if let whole = mantissa(of: value, decimals: places) { return (places, whole) }
        }
        return nil
    }

    @inline(__always)
    static func zigzag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }

    @inline(__always)
    static func unzigzag(_ value: UInt64) -> Int64 { Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1) }

    // MARK: Sealing

    /// The chunk in its closed, stored form: the smaller of each section's codings.
    public var sealedBytes: [UInt8] {
        var out: [UInt8] = [2, UInt8(count >> 8), UInt8(count & 0xFF)]
        if regular {
            out.append(0)
            Self.appendVarint(Self.zigzag(firstTime), to: &out)
            Self.appendVarint(Self.zigzag(count > 1 ? lastDelta : 0), to: &out)
        } else {
            let timeBytes = times.bytes
            out.append(1)
            Self.appendVarint(UInt64(timeBytes.count), to: &out)
            out += timeBytes
        }
        if let packed = packedValues() {
            out.append(1)
            out += packed
        } else {
            out.append(0)
            out += values.bytes
        }
        Self.appendChecksum(to: &out)
        return out
    }

    /// The values as mantissas at one precision, each minus the smallest, at the width of
    /// their range: nil when some value has none, or when that is not smaller.
    private func packedValues() -> [UInt8]? {
        guard count > 0, allDecimal, let low = Self.mantissa(of: minimum, decimals: mostDecimals),
            let high = Self.mantissa(of: maximum, decimals: mostDecimals)
        else { return nil }
        let range = UInt64(bitPattern: high &- low)
        let width = 64 - range.leadingZeroBitCount
        guard count * width + 32 < values.bitCount else { return nil }
        var reader = BitReader(values.bytes)
        guard let decoded = Self.decodeValues(&reader, count: count) else { return nil }
        var packed = BitWriter()
        for value in decoded {
            guard let whole = Self.mantissa(of: value, decimals: mostDecimals) else { return nil }
            packed.write(UInt64(bitPattern: whole &- low), bits: width)
        }
        var out: [UInt8] = [UInt8(mostDecimals)]
        Self.appendVarint(Self.zigzag(low), to: &out)
        out.append(UInt8(width))
        return out + packed.bytes
    }

    /// A 32-bit hash of `bytes[start..<end]`, a word at a time: what tells a damaged chunk.
    static func checksum(_ bytes: [UInt8], from start: Int = 0, upTo end: Int) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, from: start, upTo: end) }
    }

    /// The checksum of `raw[start..<end]`.
    static func checksum(_ raw: UnsafeRawBufferPointer, from start: Int, upTo end: Int) -> UInt32 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(end - start)
        var offset = start
        while offset + 8 <= end {
            hash = (hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0x0000_0100_0000_01B3
            hash ^= hash >> 29
            offset += 8
        }
        while offset < end {
            hash = (hash ^ UInt64(raw[offset])) &* 0x0000_0100_0000_01B3
            offset += 1
        }
        hash ^= hash >> 32
        return UInt32(truncatingIfNeeded: hash)
    }

    /// Writes the checksum of `out[start..<offset]` at `offset` (4 bytes, big-endian); returns
    /// the offset after it.
    static func writeChecksum(into out: UnsafeMutableRawBufferPointer, from start: Int, at offset: Int) -> Int {
        precondition(start >= 0 && start <= offset && offset + 4 <= out.count, "the checksum must fit in the buffer at \(offset)")
        let sum = checksum(UnsafeRawBufferPointer(out), from: start, upTo: offset)
        out.storeBytes(of: sum.bigEndian, toByteOffset: offset, as: UInt32.self)
        return offset + 4
    }

    /// Whether `bytes` end with the checksum of what precedes it (`appendChecksum`).
    static func checksumMatches(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 4 else { return false }
        let end = bytes.count - 4
        return bytes[end...].reduce(UInt32(0)) { $0 << 8 | UInt32($1) } == checksum(bytes, upTo: end)
    }

    /// Appends the checksum of `out` (big-endian), which then ends with it.
    static func appendChecksum(to out: inout [UInt8]) {
        let sum = checksum(out, upTo: out.count)
        out.append(UInt8(sum >> 24))
        out.append(UInt8((sum >> 16) & 0xFF))
        out.append(UInt8((sum >> 8) & 0xFF))
        out.append(UInt8(sum & 0xFF))
    }

    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        Varint.append(value, to: &out)
    }
}
