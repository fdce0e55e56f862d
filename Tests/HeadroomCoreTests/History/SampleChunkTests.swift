import HeadroomCore
import HeadroomTesting
import Testing

@Suite("Compressed sample chunks")
struct SampleChunkTests {
    static func roundTrip(_ samples: [(Int64, Double)]) throws -> [UInt8] {
        var chunk = SampleChunk()
        for (time, value) in samples {
            let appended = chunk.append(time: time, value: value)
            #expect(appended)
        }
        let bytes = chunk.bytes
        let decoded = try #require(SampleChunk.decode(bytes))
        #expect(decoded.count == samples.count)
        for (got, want) in zip(decoded, samples) {
            #expect(got.time == want.0)
            #expect(got.value.bitPattern == want.1.bitPattern, "at \(want.0): \(got.value) != \(want.1)")
        }
        return bytes
    }

    @Test("bits written are read back, across byte boundaries and at every width")
    func bitStream() {
        var writer = BitWriter()
        var random = SplitMix64(seed: 7)
        var written: [(UInt64, Int)] = []
        for _ in 0..<2000 {
            let width = Int.random(in: 0...64, using: &random)
            let value = width == 64 ? random.next() : random.next() & ((1 << UInt64(width)) - 1)
            writer.write(value, bits: width)
            written.append((value, width))
        }
        #expect(writer.bitCount == written.map(\.1).reduce(0, +))
        var reader = BitReader(writer.bytes)
        for (value, width) in written {
            let read = reader.read(bits: width)
            #expect(read == value)
        }
        let past = reader.read(bits: 8)
        #expect(past == nil)
    }

    @Test("random walks, jittered intervals, gaps, repeats and special values round-trip bit for bit", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func randomSeries(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        var time: Int64 = 1_800_000_000_000 + Int64.random(in: -1000...1000, using: &random)
        var value = Double.random(in: -1e12...1e12, using: &random)
        var samples: [(Int64, Double)] = []
        let specials: [Double] = [.nan, -.nan, .infinity, -.infinity, 0, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        for _ in 0..<3000 {
            switch Int.random(in: 0..<10, using: &random) {
            case 0: time += Int64.random(in: 0...100_000_000, using: &random) // a gap
            case 1: time += 0 // the same millisecond
            default: time += 5000 + Int64.random(in: -20...20, using: &random)
            }
            switch Int.random(in: 0..<10, using: &random) {
            case 0: value = specials.randomElement(using: &random)!
            case 1, 2, 3: break // unchanged
            case 4: value = Double(bitPattern: random.next()) // any bits at all
            default: value += Double.random(in: -1e6...1e6, using: &random)
            }
            samples.append((time, value))
        }
        _ = try Self.roundTrip(samples)
    }

    @Test("extreme timestamps and deltas in every bucket, both signs")
    func deltaBuckets() throws {
        var samples: [(Int64, Double)] = [(0, 1), (10, 1)]
        var time: Int64 = 10
        var delta: Int64 = 10
        for dod: Int64 in [0, 1, -1, 8191, -8192, 8192, -8193, 65535, -65536, 65536, 524_287, -524_288, 524_288, 1 << 40, -(1 << 39)] {
            delta += dod
            time += max(delta, 0)
            delta = max(delta, 0)
            samples.append((time, Double(dod)))
        }
        _ = try Self.roundTrip(samples)
        _ = try Self.roundTrip([(Int64.min, 0), (-1, 0), (Int64.max, 0)])
        _ = try Self.roundTrip([(Int64.max, .nan)])
        _ = try Self.roundTrip([])
    }

    @Test("a steady series costs about two bits a sample; a GPU memory series a few bytes at most")
    func size() throws {
        // 1,000 samples 5 s apart of one unchanging value: the count, the first sample whole,
        // the first interval (16 bits), then 1 bit of time and 1 of value each.
        let steady = try Self.roundTrip((0..<1000).map { (1_800_000_000_000 + Int64($0) * 5000, 42.0) })
        #expect(steady.count == 2 + 16 + (17 + 1 + 998 * 2 + 7) / 8)
        // GPU memory in bytes, moving by whole MiB now and then: the XOR window repeats.
        var used = 8.0 * 1024 * 1024 * 1024
        var random = SplitMix64(seed: 11)
        let memory = try Self.roundTrip(
            (0..<1000).map { index in
                if Int.random(in: 0..<5, using: &random) == 0 { used += Double(Int.random(in: -64...64, using: &random)) * 1024 * 1024 }
                return (1_800_000_000_000 + Int64(index) * 5000, used)
            })
        #expect(Double(memory.count) / 1000 < 1.5, "\(memory.count) bytes for 1000 samples")
    }

    @Test("a chunk holds 65,535 samples, then refuses more; truncated bytes decode to nil")
    func capacityAndCorruption() throws {
        var chunk = SampleChunk()
        for index in 0..<SampleChunk.capacity { chunk.append(time: Int64(index), value: Double(index % 7)) }
        #expect(chunk.isFull)
        let refused = !chunk.append(time: 1_000_000, value: 1)
        #expect(refused)
        let bytes = chunk.bytes
        #expect(SampleChunk.decode(bytes)?.count == SampleChunk.capacity)
        #expect(SampleChunk.decode(Array(bytes.dropLast(bytes.count / 2))) == nil)
        #expect(SampleChunk.decode([0]) == nil)
    }
}
