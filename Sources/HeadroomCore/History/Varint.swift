/// Unsigned LEB128 integers (7 bits a byte, low first), as the history's chunks, head and
/// log write their lengths and ids.
package enum Varint {
    package static func append(_ value: UInt64, to out: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        out.append(UInt8(rest))
    }

    /// Writes `value` into `out` from `offset` (`length(value)` bytes); returns the offset after it.
    package static func write(_ value: UInt64, into out: UnsafeMutableRawBufferPointer, at offset: Int) -> Int {
        // Each byte is checked against the buffer, in release builds too.
        precondition(offset >= 0, "a negative offset")
        var rest = value
        var index = offset
        while rest >= 0x80 {
            precondition(index < out.count, "the varint must fit in the buffer")
            out[index] = UInt8(truncatingIfNeeded: rest) | 0x80
            rest >>= 7
            index += 1
        }
        precondition(index < out.count, "the varint must fit in the buffer")
        out[index] = UInt8(rest)
        return index + 1
    }

    /// The number of bytes `append` writes for `value`.
    package static func length(_ value: UInt64) -> Int {
        max(1, (64 - value.leadingZeroBitCount + 6) / 7)
    }

    /// The integer at `offset` (moved past it), reading no further than `end`; nil when cut
    /// short or longer than 64 bits.
    package static func read(_ bytes: [UInt8], _ offset: inout Int, end: Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < end, shift < 64 {
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        return nil
    }
}
