/// Bits appended most significant first: what a compressed chunk is written with. Bits gather
/// in a 64-bit word that is stored whole when full, so a write costs a few shifts.
public struct BitWriter: Sendable, Hashable {
    private var words: [UInt64] = []
    /// The bits not yet stored, left-aligned: the first `pending` bits of `accumulator`.
    private var accumulator: UInt64 = 0
    private var pending = 0

    public init() {}

    /// The number of bits written.
    public var bitCount: Int { words.count * 64 + pending }

    /// The bits written, zero-padded to whole bytes.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((bitCount + 7) / 8)
        for word in words {
            withUnsafeBytes(of: word.bigEndian) { out.append(contentsOf: $0) }
        }
        var rest = accumulator
        for _ in 0..<(pending + 7) / 8 {
            out.append(UInt8(truncatingIfNeeded: rest &>> 56))
            rest &<<= 8
        }
        return out
    }

    /// Appends the low `count` bits of `value` (0...64), most significant first.
    @inline(__always)
    public mutating func write(_ value: UInt64, bits count: Int) {
        precondition(count >= 0 && count <= 64, "bit count \(count) out of 0...64")
        guard count > 0 else { return }
        let masked = count == 64 ? value : value & ((1 &<< UInt64(count)) &- 1)
        let room = 64 - pending
        if count < room {
            accumulator |= masked &<< UInt64(room - count)
            pending += count
        } else {
            let over = count - room
            words.append(accumulator | masked &>> UInt64(over))
            accumulator = over == 0 ? 0 : masked &<< UInt64(64 - over)
            pending = over
        }
    }

    @inline(__always)
    public mutating func write(bit: Bool) { write(bit ? 1 : 0, bits: 1) }

    /// The number of bytes the bits from `start` on take, zero-padded to whole bytes.
    public func byteCount(fromBit start: Int) -> Int {
        (max(bitCount - max(start, 0), 0) + 7) / 8
    }

    /// Writes the bits from `start` on (what was written since a mark), zero-padded to whole
    /// bytes (`byteCount(fromBit:)` of them), into `out` from `offset`, a word at a time;
    /// returns the offset after them. The history's log writes every open chunk's new bits
    /// this way at each flush, in place in the row: no append per byte, each of which checks
    /// the array.
    public func writeBytes(fromBit start: Int, into out: UnsafeMutableRawBufferPointer, at offset: Int) -> Int {
        var position = max(start, 0)
        let end = bitCount
        var index = offset
        // Each store is checked against the buffer, in release builds too: a miscounted
        // length stops here rather than writing past the row.
        precondition(index >= 0, "a negative offset")
        while position < end {
            let count = min(64, end - position)
            // Left-aligned, as a fresh writer would hold it: the bytes it gives are the top ones.
            var piece = bits(at: position, count: count) &<< UInt64(64 - count)
            if count == 64 {
                precondition(index + 8 <= out.count, "the bits must fit in the buffer")
                out.storeBytes(of: piece.bigEndian, toByteOffset: index, as: UInt64.self)
                index += 8
            } else {
                for _ in 0..<(count + 7) / 8 {
                    precondition(index < out.count, "the bits must fit in the buffer")
                    out[index] = UInt8(truncatingIfNeeded: piece &>> 56)
                    piece &<<= 8
                    index += 1
                }
            }
            position += count
        }
        return index
    }

    /// `count` (1...64) bits from bit `position`, right-aligned.
    private func bits(at position: Int, count: Int) -> UInt64 {
        let index = position >> 6
        let offset = position & 63
        let first = index < words.count ? words[index] : accumulator
        var value = first << UInt64(offset)
        if offset + count > 64 {
            let second = index + 1 < words.count ? words[index + 1] : accumulator
            value |= second >> UInt64(64 - offset)
        }
        return value >> UInt64(64 - count)
    }

    /// Appends the first `count` bits of `bytes` (as `writeBytes(fromBit:into:at:)` gave them); false when
    /// `bytes` hold fewer bits.
    public mutating func append(bits count: Int, from bytes: [UInt8]) -> Bool {
        guard count >= 0, count <= bytes.count * 8 else { return false }
        var reader = BitReader(bytes)
        var left = count
        while left > 0 {
            let chunk = min(56, left)
            guard let value = reader.read(bits: chunk) else { return false }
            write(value, bits: chunk)
            left -= chunk
        }
        return true
    }
}

/// Reads what a `BitWriter` wrote, a word at a time; nil past the end of its bytes.
public struct BitReader: Sendable {
    private let bytes: [UInt8]
    private var position: Int
    private let end: Int

    public init(_ bytes: [UInt8], startingAtByte offset: Int = 0) {
        self.init(bytes, bytes: offset..<max(offset, bytes.count))
    }

    /// Reads only `range` of `bytes` (clamped to them).
    public init(_ bytes: [UInt8], bytes range: Range<Int>) {
        self.bytes = bytes
        let lower = min(max(range.lowerBound, 0), bytes.count)
        position = lower * 8
        end = max(lower, min(range.upperBound, bytes.count)) * 8
    }

    /// Whether every bit has been read.
    public var isAtEnd: Bool { position >= end }

    @inline(__always)
    public mutating func read(bits count: Int) -> UInt64? {
        precondition(count >= 0 && count <= 64, "bit count \(count) out of 0...64")
        guard count > 0 else { return 0 }
        guard position + count <= end else { return nil }
        let value: UInt64
        if count <= 56 {
            value = (word(at: position) &<< UInt64(position & 7)) &>> UInt64(64 - count)
        } else {
            let high = (word(at: position) &<< UInt64(position & 7)) &>> 32
            let low = (word(at: position + 32) &<< UInt64((position + 32) & 7)) &>> UInt64(64 - (count - 32))
            value = high &<< UInt64(count - 32) | low
        }
        position += count
        return value
    }

    @inline(__always)
    public mutating func readBit() -> Bool? { read(bits: 1).map { $0 == 1 } }

    /// The 8 bytes from the one holding bit `bit`, big-endian, zero past the end.
    @inline(__always)
    private func word(at bit: Int) -> UInt64 {
        let index = bit >> 3
        if index + 8 <= bytes.count {
            return bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: index, as: UInt64.self).bigEndian }
        }
        var value: UInt64 = 0
        for offset in 0..<8 {
            value = value &<< 8 | (index + offset < bytes.count ? UInt64(bytes[index + offset]) : 0)
        }
        return value
    }
}

extension [UInt8] {
    /// Appends `count` bytes that `write` fills in place: it is given the array's bytes and
    /// where the new ones start, and returns where it stopped, which must be their end. One
    /// growth of the array instead of an append (and its checks) per byte. Inlinable, so the
    /// history's writer gets it specialized, its closure inlined.
    @inlinable package mutating func append(count: Int, writtenBy write: (UnsafeMutableRawBufferPointer, Int) -> Int) {
        guard count > 0 else { return }
        let offset = self.count
        append(contentsOf: repeatElement(0, count: count))
        let end = withUnsafeMutableBytes { write($0, offset) }
        precondition(end == offset + count, "\(end - offset) bytes written in place of \(count)")
    }
}
