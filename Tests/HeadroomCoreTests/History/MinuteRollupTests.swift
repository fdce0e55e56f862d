import HeadroomCore
import HeadroomTesting
import Testing

@Suite("One-minute rollups")
struct MinuteRollupTests {
    static let start: Int64 = 1_800_000_000_000 // a minute's start

    @Test("a mean is kept to two decimals more than its values have, so it compresses as they do")
    func meanPrecision() {
        let bucket = MinuteRollup.buckets([(Self.start, 1.25), (Self.start + 1, 2), (Self.start + 2, 2)])[0]
        #expect(bucket.mean == 1.75) // 5.25 / 3 = 1.75 exactly
        let third = MinuteRollup.buckets([(Self.start, 1), (Self.start + 1, 2), (Self.start + 2, 2)])[0]
        #expect(third.mean == 1.67) // 5 / 3 to two decimals beyond the integers'
        // A value with no short decimal form: the mean is kept whole.
        let raw = MinuteRollup.buckets([(Self.start, 0.1 + 0.2), (Self.start + 1, 1)])[0]
        #expect(raw.mean == (0.1 + 0.2 + 1) / 2)
    }

    @Test("samples fall into their minute: min, max, mean and count without NaN; the last sample exactly as recorded")
    func buckets() {
        let samples: [(time: Int64, value: Double)] = [
            (Self.start, 4), (Self.start + 15_000, .nan), (Self.start + 30_000, 10), (Self.start + 59_999, 1),
            (Self.start + 60_000, .nan), (Self.start + 180_500, 7.25), (Self.start + 200_000, -0.0),
        ]
        let buckets = MinuteRollup.buckets(samples)
        #expect(buckets.map(\.minute) == [Self.start, Self.start + 60_000, Self.start + 180_000])
        #expect(buckets[0].minimum == 1 && buckets[0].maximum == 10 && buckets[0].mean == 5 && buckets[0].count == 3)
        #expect(buckets[0].lastTime == Self.start + 59_999 && buckets[0].last == 1)
        // Only NaN: no statistics, but the last sample (NaN) is kept.
        #expect(buckets[1].count == 0 && buckets[1].minimum.isNaN && buckets[1].mean.isNaN && buckets[1].last.isNaN)
        #expect(buckets[2].count == 2 && buckets[2].minimum == -0.0 && buckets[2].maximum == 7.25 && buckets[2].mean == 3.625)
        #expect(buckets[2].last.bitPattern == (-0.0).bitPattern)
        // Before 1970 too: a minute is the one that contains the time.
        #expect(MinuteRollup.buckets([(-1, 1)]).first?.minute == -60_000)
    }

    @Test("a row decodes to exactly the buckets encoded; a damaged row is refused, never trusted")
    func encoding() throws {
        var random = SplitMix64(seed: 3)
        var samples: [(time: Int64, value: Double)] = []
        var time = Self.start
        for index in 0..<2_000 {
            time += index % 50 == 49 ? 137_000 : 5_000 + Int64(random.next() % 3)
            samples.append((time, index % 97 == 0 ? .nan : Double(random.next() % 100_000) / 1000))
        }
        let buckets = MinuteRollup.buckets(samples)
        let bytes = MinuteRollup.encode(buckets)
        let decoded = try #require(MinuteRollup.decode(bytes))
        #expect(decoded.count == buckets.count)
        for (got, want) in zip(decoded, buckets) {
            #expect(got.minute == want.minute && got.count == want.count && got.lastTime == want.lastTime)
            #expect(
                [got.minimum, got.maximum, got.mean, got.last].map(\.bitPattern) == [want.minimum, want.maximum, want.mean, want.last].map(\.bitPattern))
        }
        var damaged = bytes
        damaged[bytes.count / 2] ^= 0x40
        #expect(MinuteRollup.decode(damaged) == nil)
        #expect(MinuteRollup.decode(Array(bytes.dropLast())) == nil)
        #expect(MinuteRollup.decode(bytes + [0]) == nil)
    }

    @Test("a minute rolled up in two parts merges to the minute rolled up whole")
    func merging() {
        let samples: [(time: Int64, value: Double)] = (0..<12).map { (Self.start + Int64($0) * 5_000, Double($0 * $0 % 7)) }
        let whole = MinuteRollup.buckets(samples)
        let parts = MinuteRollup.buckets(Array(samples.prefix(5))) + MinuteRollup.buckets(Array(samples.dropFirst(5)))
        let merged = MinuteRollup.merged(parts.reversed())
        #expect(merged.count == 1)
        #expect(merged[0].minimum == whole[0].minimum && merged[0].maximum == whole[0].maximum && merged[0].count == 12)
        // Each part's mean is kept to two decimals beyond its integer values: within half of 0.01.
        #expect(abs(merged[0].mean - whole[0].mean) <= 0.005 + 1e-12)
        #expect(merged[0].lastTime == whole[0].lastTime && merged[0].last == whole[0].last)
    }
}
