@testable import HeadroomCore
import HeadroomTesting
import Testing

@Suite("Sample chunk log entries")
struct SampleChunkLogTests {
    /// A log entry on its own, as the first (or only) one of a row.
    static func entry(_ chunk: SampleChunk, since mark: SampleChunk.Mark) -> [UInt8] {
        var out: [UInt8] = []
        chunk.appendLogEntry(since: mark, to: &out)
        return out
    }

    /// The entry as the format describes it, made without the code under test: the three
    /// counts with `Varint.append`, each stream's new bits read back from its `bytes` and
    /// copied through a fresh `BitWriter`, then the checksum of all that.
    static func expectedEntry(_ chunk: SampleChunk, since mark: SampleChunk.Mark) -> [UInt8] {
        guard chunk.count > mark.count else { return [] }
        var out: [UInt8] = []
        Varint.append(UInt64(chunk.count - mark.count), to: &out)
        Varint.append(UInt64(chunk.times.bitCount - mark.timeBits), to: &out)
        Varint.append(UInt64(chunk.values.bitCount - mark.valueBits), to: &out)
        for (stream, from) in [(chunk.times, mark.timeBits), (chunk.values, mark.valueBits)] {
            var reader = BitReader(stream.bytes)
            var copy = BitWriter()
            var position = 0
            while position < stream.bitCount {
                let width = min(56, stream.bitCount - position, position < from ? from - position : 56)
                let bits = reader.read(bits: width) ?? 0
                if position >= from { copy.write(bits, bits: width) }
                position += width
            }
            out += copy.bytes
        }
        SampleChunk.appendChecksum(to: &out)
        return out
    }

    @Test("a varint's length is the number of bytes it is written in, at every width")
    func varintLength() {
        var values: [UInt64] = [0, 1, 0x7F, 0x80, 0x3FFF, 0x4000, .max]
        for shift in 0..<64 { values += [1 << UInt64(shift), (1 << UInt64(shift)) - 1, 1 << UInt64(shift) | 1] }
        for value in values {
            var out: [UInt8] = []
            Varint.append(value, to: &out)
            #expect(Varint.length(value) == out.count, "\(value)")
        }
    }

    @Test("bits from any position come back whole and append after other bits exactly")
    func bitSuffixes() {
        var random = SplitMix64(seed: 11)
        for _ in 0..<200 {
            var writer = BitWriter()
            for _ in 0..<Int(random.next() % 40) {
                let width = Int(random.next() % 64) + 1
                writer.write(random.next(), bits: width)
            }
            let start = writer.bitCount == 0 ? 0 : Int(random.next() % UInt64(writer.bitCount + 1))
            /// The bits from `start` on appended to `out`, written in place as the log writes them.
            func appendingSuffix(to out: [UInt8]) -> [UInt8] {
                var out = out
                out.append(count: writer.byteCount(fromBit: start)) { buffer, offset in writer.writeBytes(fromBit: start, into: buffer, at: offset) }
                return out
            }
            let suffix = appendingSuffix(to: [])
            #expect(suffix.count == (writer.bitCount - start + 7) / 8)
            #expect(appendingSuffix(to: [0xA5, 0x5A]) == [0xA5, 0x5A] + suffix)
            // The prefix up to `start`, then the suffix appended: the same bits.
            var prefix = BitWriter()
            var reader = BitReader(writer.bytes)
            var left = start
            while left > 0 {
                let width = min(64, left)
                prefix.write(reader.read(bits: width) ?? 0, bits: width)
                left -= width
            }
            let appended = prefix.append(bits: writer.bitCount - start, from: suffix)
            #expect(appended)
            #expect(prefix == writer)
        }
        var empty = BitWriter()
        let tooMany = empty.append(bits: 9, from: [0xFF])
        #expect(!tooMany)
    }

    /// Samples of every kind the codec has: a regular clock with a pause, integers, decimals
    /// at several precisions, a value that is only its bits, NaN and infinity.
    static func samples(_ count: Int) -> [(Int64, Double)] {
        var random = SplitMix64(seed: 5)
        var time: Int64 = 1_800_000_000_000
        return (0..<count).map { index in
            time += index % 37 == 36 ? 7_321 : 1000
            let value: Double =
                switch index % 9 {
                case 0: Double(random.next() % 1000)
                case 1: Double(random.next() % 100_000) / 1000
                case 2: 0.1 + 0.2
                case 3: .nan
                case 4: .infinity
                case 5: -0.0
                default: Double(8 << 30) + Double(index) * 1_048_576
                }
            return (time, value)
        }
    }

    @Test("entries written at marks continue a restored chunk to exactly the chunk written")
    func continuesExactly() throws {
        let samples = Self.samples(300)
        var chunk = SampleChunk()
        var restored = SampleChunk()
        var mark = chunk.mark
        for (index, (time, value)) in samples.enumerated() {
            chunk.append(time: time, value: value)
            guard index % 23 == 22 || index == samples.count - 1 else { continue }
            let entry = Self.entry(chunk, since: mark)
            // The bytes the format describes, and the length a log row gives before them,
            // known before the entry is written.
            let expected = Self.expectedEntry(chunk, since: mark)
            #expect(entry == expected)
            #expect(chunk.logEntryLength(since: mark) == expected.count)
            // Appended to a buffer that holds other bytes (a log row): the same bytes, checksum
            // included, and they read back from their range.
            var row: [UInt8] = Array(repeating: UInt8(index & 0xFF), count: index % 7)
            let start = row.count
            chunk.appendLogEntry(since: mark, to: &row)
            #expect(Array(row[start...]) == entry)
            #expect(restored.continued(with: row, in: start..<row.count) == restored.continued(with: entry, in: 0..<entry.count))
            restored = try #require(restored.continued(with: entry, in: 0..<entry.count))
            mark = chunk.mark
            #expect(restored == chunk)
        }
        #expect(Self.entry(chunk, since: chunk.mark).isEmpty)
        #expect(chunk.logEntryLength(since: chunk.mark) == 0)
        // From the start (a restarted chunk's entry): every sample, in one entry of that length.
        let whole = Self.expectedEntry(chunk, since: SampleChunk.Mark())
        #expect(Self.entry(chunk, since: SampleChunk.Mark()) == whole)
        #expect(chunk.logEntryLength(since: SampleChunk.Mark()) == whole.count)
        // The restored chunk appends on as the original does.
        chunk.append(time: samples.last!.0 + 1000, value: 42.5)
        restored.append(time: samples.last!.0 + 1000, value: 42.5)
        #expect(restored.bytes == chunk.bytes)
    }

    @Test("an entry that is damaged, cut short or written at another mark is refused")
    func refusesWhatDoesNotFit() throws {
        let samples = Self.samples(60)
        var chunk = SampleChunk()
        for (time, value) in samples.prefix(30) { chunk.append(time: time, value: value) }
        let held = chunk
        let mark = chunk.mark
        for (time, value) in samples.dropFirst(30) { chunk.append(time: time, value: value) }
        let entry = Self.entry(chunk, since: mark)
        #expect(held.continued(with: entry, in: 0..<entry.count) == chunk)
        // Cut short, or with bytes to spare.
        #expect(held.continued(with: entry, in: 0..<entry.count - 1) == nil)
        #expect(held.continued(with: entry + [0], in: 0..<entry.count + 1) == nil)
        // A flipped bit anywhere (the samples, the counts, the checksum): refused.
        for index in stride(from: 0, to: entry.count, by: 3) {
            var damaged = entry
            damaged[index] ^= 0x10
            #expect(held.continued(with: damaged, in: 0..<damaged.count) == nil, "bit flipped in byte \(index)")
        }
        // At another mark: after an empty chunk instead of the thirty samples.
        #expect(SampleChunk().continued(with: entry, in: 0..<entry.count) == nil)
    }
}
