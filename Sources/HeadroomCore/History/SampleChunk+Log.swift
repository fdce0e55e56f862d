/// An open chunk written a little at a time: a `Mark` says where the chunk's bits stood when
/// it was last written, `appendLogEntry(since:to:)` gives the bits appended after it (no sample is
/// encoded twice), and `continued(with:)` puts such an entry back after the bits it followed.
/// The history store writes an open chunk whole now and then, and these entries between.
extension SampleChunk {
    /// Where a chunk's two bit streams end.
    public struct Mark: Sendable, Hashable {
        public var count = 0
        public var timeBits = 0
        public var valueBits = 0

        public init() {}
    }

    public var mark: Mark {
        var mark = Mark()
        mark.count = count
        mark.timeBits = times.bitCount
        mark.valueBits = values.bitCount
        return mark
    }

    /// Appends to `out` the samples appended since `mark`, as their bits: the number of
    /// samples, of time bits and of value bits (varints), the time bits and the value bits,
    /// each padded to a byte, then a 4-byte checksum of the entry before it (as a chunk ends).
    /// Nothing when nothing was appended.
    public func appendLogEntry(since mark: Mark, to out: inout [UInt8]) {
        out.append(count: logEntryLength(since: mark)) { buffer, offset in writeLogEntry(since: mark, into: buffer, at: offset) }
    }

    /// The number of bytes of the entry for `mark` (0 when nothing was appended since): a log
    /// row gives each entry's length before the entry.
    public func logEntryLength(since mark: Mark) -> Int {
        guard count > mark.count else { return 0 }
        return Varint.length(UInt64(count - mark.count)) + Varint.length(UInt64(times.bitCount - mark.timeBits))
            + Varint.length(UInt64(values.bitCount - mark.valueBits)) + times.byteCount(fromBit: mark.timeBits)
            + values.byteCount(fromBit: mark.valueBits) + 4
    }

    /// Writes the entry `appendLogEntry(since:to:)` appends into `out` from `offset`, where
    /// `logEntryLength(since:)` bytes must be free; returns the offset after it. Into the
    /// caller's row, in place: the history's log takes an entry for every open chunk at each
    /// flush.
    public func writeLogEntry(since mark: Mark, into out: UnsafeMutableRawBufferPointer, at offset: Int) -> Int {
        guard count > mark.count else { return offset }
        var index = Varint.write(UInt64(count - mark.count), into: out, at: offset)
        index = Varint.write(UInt64(times.bitCount - mark.timeBits), into: out, at: index)
        index = Varint.write(UInt64(values.bitCount - mark.valueBits), into: out, at: index)
        index = times.writeBytes(fromBit: mark.timeBits, into: out, at: index)
        index = values.writeBytes(fromBit: mark.valueBits, into: out, at: index)
        return Self.writeChecksum(into: out, from: offset, at: index)
    }

    /// This chunk continued by a log entry written when it stood where it stands now; nil
    /// when the entry is damaged (its checksum) or does not continue it: every sample must
    /// decode, and encoding them again must give exactly the bits the chunk then holds.
    /// `entry` is read from `range` (a log row holds many).
    public func continued(with entry: [UInt8], in range: Range<Int>) -> SampleChunk? {
        guard range.lowerBound >= 0, range.upperBound <= entry.count else { return nil }
        let body = Array(entry[range])
        guard Self.checksumMatches(body) else { return nil }
        return continued(withChecked: body, end: body.count - 4)
    }

    private func continued(withChecked entry: [UInt8], end: Int) -> SampleChunk? {
        var offset = 0
        guard let added = Varint.read(entry, &offset, end: end), let timeBits = Varint.read(entry, &offset, end: end),
            let valueBits = Varint.read(entry, &offset, end: end), added > 0, added <= UInt64(Self.capacity - count),
            timeBits <= UInt64(end - offset) * 8
        else { return nil }
        let timeBytes = (Int(timeBits) + 7) / 8
        guard valueBits <= UInt64(end - offset - timeBytes) * 8, (Int(valueBits) + 7) / 8 == end - offset - timeBytes else { return nil }
        var raw = self
        guard raw.times.append(bits: Int(timeBits), from: Array(entry[offset..<offset + timeBytes])),
            raw.values.append(bits: Int(valueBits), from: Array(entry[(offset + timeBytes)..<end]))
        else { return nil }
        raw.count += Int(added)
        // The streams now hold the samples; the rest of the state comes from encoding them again.
        guard let restated = SampleChunk(restoring: raw.bytes), restated.times == raw.times, restated.values == raw.values else { return nil }
        return restated
    }
}
