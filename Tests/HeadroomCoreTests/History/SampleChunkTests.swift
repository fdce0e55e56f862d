@testable import HeadroomCore
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
        for bytes in [chunk.bytes, chunk.sealedBytes] {
            let decoded = try #require(SampleChunk.decode(bytes))
            #expect(decoded.count == samples.count)
            for (got, want) in zip(decoded, samples) {
                #expect(got.time == want.0)
                #expect(got.value.bitPattern == want.1.bitPattern, "at \(want.0): \(got.value) != \(want.1)")
            }
        }
        let restored = try #require(SampleChunk(restoring: chunk.sealedBytes))
        #expect(restored.bytes == chunk.bytes)
        return chunk.sealedBytes
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

    @Test("a steady series costs a few bytes a chunk; GPU memory and noisy percentages cost their range's bits")
    func size() throws {
        // 1,000 samples 5 s apart of one unchanging value: the interval and the value once.
        let steady = try Self.roundTrip((0..<1000).map { (1_800_000_000_000 + Int64($0) * 5000, 42.0) })
        #expect(steady.count < 24, "\(steady.count) bytes")
        // GPU memory in bytes, moving by whole MiB now and then: the difference window repeats.
        var used = 8.0 * 1024 * 1024 * 1024
        var random = SplitMix64(seed: 11)
        let memory = try Self.roundTrip(
            (0..<1000).map { index in
                if Int.random(in: 0..<5, using: &random) == 0 { used += Double(Int.random(in: -64...64, using: &random)) * 1024 * 1024 }
                return (1_800_000_000_000 + Int64(index) * 5000, used)
            })
        #expect(Double(memory.count) / 1000 < 0.5, "\(memory.count) bytes for 1000 samples")
        // A percentage with three decimals that is noise every round: 17 bits for 0...100,000.
        let noise = try Self.roundTrip(
            (0..<1000).map { index in (1_800_000_000_000 + Int64(index) * 5000, Double(Int.random(in: 0...100_000, using: &random)) / 1000) })
        #expect(Double(noise.count) / 1000 < 2.2, "\(noise.count) bytes for 1000 samples")
    }

    @Test("adversarial values round-trip bit for bit: NaN payloads, infinities, -0.0, extremes, decimals, huge integers")
    func adversarial() throws {
        let values: [Double] = [
            .nan, -.nan, Double(bitPattern: 0x7FF0_0000_0000_0001), Double(bitPattern: 0xFFF8_DEAD_BEEF_0001), .signalingNaN,
            .infinity, -.infinity, 0, -0.0, 0, .leastNonzeroMagnitude, -.leastNormalMagnitude, .greatestFiniteMagnitude,
            -.greatestFiniteMagnitude, 1e-300, 9_007_199_254_740_992, 9_007_199_254_740_994, -9_007_199_254_740_991, 1e22, 123_456.789,
            0.1, 0.2, 0.30000000000000004, 1.0 / 3, 99.999, 100, 37.5, -12.25, 0.000_000_000_001, 0.000_000_000_000_1, 1e15 + 0.5,
            4_294_967_296, Double(Int64.max), Double(Int64.min), 5, 5, 5.000_000_000_000_001, 42, .nan, 42,
        ]
        var time: Int64 = 1_800_000_000_000
        _ = try Self.roundTrip(
            values.map { value in
                time += 5000
                return (time, value)
            })
        // Every pair, so each value follows each other one (windows, decimals and raw states).
        var pairs: [(Int64, Double)] = []
        for first in values {
            for second in values {
                time += 1
                pairs += [(time, first), (time, second)]
            }
        }
        _ = try Self.roundTrip(pairs)
    }

    @Test("random decimals at random precisions round-trip, in both forms", arguments: [21, 22, 23] as [UInt64])
    func randomDecimals(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        var samples: [(Int64, Double)] = []
        var time: Int64 = 0
        for _ in 0..<2000 {
            time += Int64.random(in: 0...10_000, using: &random)
            let places = Int.random(in: 0...14, using: &random)
            let scale = (0..<places).reduce(1.0) { value, _ in value * 10 }
            samples.append((time, Double(Int64.random(in: -1_000_000_000...1_000_000_000, using: &random)) / scale))
        }
        _ = try Self.roundTrip(samples)
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

    @Test("damaged bytes decode to nil, never trap: every truncation, every flipped bit, random bytes", arguments: [31, 32] as [UInt64])
    func damaged(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        var chunk = SampleChunk()
        for index in 0..<200 {
            let value: Double = index % 17 == 0 ? .nan : Double(Int.random(in: 0...100_000, using: &random)) / 1000
            chunk.append(time: 1_800_000_000_000 + Int64(index) * 5000 + Int64.random(in: 0...3, using: &random), value: value)
        }
        for bytes in [chunk.bytes, chunk.sealedBytes] {
            for length in 0..<bytes.count { #expect(SampleChunk.decode(Array(bytes[..<length])) == nil) }
            for bit in 0..<bytes.count * 8 {
                var flipped = bytes
                flipped[bit / 8] ^= 1 << UInt8(bit % 8)
                #expect(SampleChunk.decode(flipped) == nil, "bit \(bit)")
            }
        }
        // Past the checksum: a flipped bit with the checksum made to match still never traps.
        for bytes in [chunk.bytes, chunk.sealedBytes] {
            for bit in 0..<(bytes.count - 4) * 8 {
                var flipped = Array(bytes.dropLast(4))
                flipped[bit / 8] ^= 1 << UInt8(bit % 8)
                SampleChunk.appendChecksum(to: &flipped)
                _ = SampleChunk.decode(flipped)
                _ = SampleChunk(restoring: flipped)
            }
        }
        for _ in 0..<2000 {
            let garbage = (0..<Int.random(in: 0...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            _ = SampleChunk.decode(garbage)
        }
    }
}
