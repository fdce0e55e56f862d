/// One minute of a series in the history's downsampled tier: what is kept of the raw samples
/// once they are older than `history.retention`, for `history.rollup_retention`.
public struct RollupBucket: Sendable, Equatable {
    /// The minute's start (milliseconds since 1970, a multiple of 60,000).
    public var minute: Int64
    /// The smallest, largest and mean of the minute's values, NaN left out (NaN when every
    /// value was NaN), and how many values that is.
    public var minimum: Double
    public var maximum: Double
    public var mean: Double
    public var count: Int
    /// The minute's last sample, exactly as recorded (its time and value, NaN included): the
    /// tier read as plain samples is a subsample of the raw ones.
    public var lastTime: Int64
    public var last: Double

    public init(minute: Int64, minimum: Double, maximum: Double, mean: Double, count: Int, lastTime: Int64, last: Double) {
        self.minute = minute
        self.minimum = minimum
        self.maximum = maximum
        self.mean = mean
        self.count = count
        self.lastTime = lastTime
        self.last = last
    }

    /// This minute and `later`, a later part of the same minute (a minute whose samples were
    /// rolled up from two chunks): min of the minimums, max of the maximums, the mean weighted
    /// by count, the later last sample.
    public func merged(with later: RollupBucket) -> RollupBucket {
        guard later.count > 0 else {
            var merged = self
            merged.lastTime = later.lastTime
            merged.last = later.last
            return merged
        }
        guard count > 0 else { return later }
        let total = count + later.count
        return RollupBucket(
            minute: minute, minimum: Swift.min(minimum, later.minimum), maximum: Swift.max(maximum, later.maximum),
            mean: (mean * Double(count) + later.mean * Double(later.count)) / Double(total), count: total,
            lastTime: later.lastTime, last: later.last)
    }
}

/// The downsampled tier's pure half: samples into one-minute buckets, buckets into the bytes
/// of a row and back.
public enum MinuteRollup {
    public static let bucketMilliseconds: Int64 = 60_000

    /// The buckets of `samples` (oldest first), one per minute that has a sample. The mean
    /// is kept to two decimals more than its values have (`meanDecimals`), so it compresses as
    /// they do; every other figure is exact.
    public static func buckets(_ samples: [(time: Int64, value: Double)]) -> [RollupBucket] {
        var out: [RollupBucket] = []
        var sum = 0.0
        var decimals = 0
        func close() {
            guard var open = out.last else { return }
            open.mean = open.count > 0 ? meanAt(decimals, sum / Double(open.count)) : .nan
            out[out.count - 1] = open
        }
        for sample in samples {
            let minute = sample.time - ((sample.time % bucketMilliseconds) + bucketMilliseconds) % bucketMilliseconds
            if out.last?.minute != minute {
                close()
                out.append(RollupBucket(minute: minute, minimum: .nan, maximum: .nan, mean: .nan, count: 0, lastTime: sample.time, last: sample.value))
                sum = 0
                decimals = 0
            }
            var bucket = out[out.count - 1]
            bucket.lastTime = sample.time
            bucket.last = sample.value
            if !sample.value.isNaN {
                bucket.minimum = bucket.count == 0 ? sample.value : Swift.min(bucket.minimum, sample.value)
                bucket.maximum = bucket.count == 0 ? sample.value : Swift.max(bucket.maximum, sample.value)
                bucket.count += 1
                sum += sample.value
                // -1: a value with no short decimal form, so the mean is kept whole.
                if decimals >= 0 { decimals = SampleChunk.decimal(sample.value, preferring: decimals).map { Swift.max(decimals, $0.0) } ?? -1 }
            }
            out[out.count - 1] = bucket
        }
        close()
        return out
    }

    /// Decimals kept of a mean beyond those of its values.
    public static let meanDecimals = 2

    /// `mean` to `decimals` + `meanDecimals` places (12 at most), or whole when `decimals` is -1.
    static func meanAt(_ decimals: Int, _ mean: Double) -> Double {
        guard decimals >= 0, mean.isFinite else { return mean }
        let power = SampleChunk.powers[Swift.min(decimals + meanDecimals, SampleChunk.maximumDecimals)]
        let rounded = (mean * power).rounded() / power
        return rounded.isFinite ? rounded : mean
    }

    /// Buckets in time order with the parts of one minute (from rows rolled up apart) merged.
    public static func merged(_ buckets: [RollupBucket]) -> [RollupBucket] {
        var out: [RollupBucket] = []
        for bucket in buckets.sorted(by: { $0.minute != $1.minute ? $0.minute < $1.minute : $0.lastTime < $1.lastTime }) {
            if let previous = out.last, previous.minute == bucket.minute {
                out[out.count - 1] = previous.merged(with: bucket)
            } else {
                out.append(bucket)
            }
        }
        return out
    }

    /// A row: five sealed `SampleChunk`s, each behind its length (varint): the last samples
    /// at their own times, then minimum, maximum, mean and count at the minutes' starts
    /// (regular, so those cost their values alone). Lossless.
    public static func encode(_ buckets: [RollupBucket]) -> [UInt8] {
        var chunks = [SampleChunk](repeating: SampleChunk(), count: 5)
        for bucket in buckets.prefix(SampleChunk.capacity) {
            chunks[0].append(time: bucket.lastTime, value: bucket.last)
            chunks[1].append(time: bucket.minute, value: bucket.minimum)
            chunks[2].append(time: bucket.minute, value: bucket.maximum)
            chunks[3].append(time: bucket.minute, value: bucket.mean)
            chunks[4].append(time: bucket.minute, value: Double(bucket.count))
        }
        var out: [UInt8] = []
        for chunk in chunks {
            let bytes = chunk.sealedBytes
            Varint.append(UInt64(bytes.count), to: &out)
            out += bytes
        }
        return out
    }

    /// The buckets of a row; nil when its bytes are not one `encode` wrote.
    public static func decode(_ bytes: [UInt8]) -> [RollupBucket]? {
        var offset = 0
        var columns: [[(time: Int64, value: Double)]] = []
        for _ in 0..<5 {
            guard let length = Varint.read(bytes, &offset, end: bytes.count), length <= UInt64(bytes.count - offset),
                let samples = SampleChunk.decode(Array(bytes[offset..<offset + Int(length)]))
            else { return nil }
            columns.append(samples)
            offset += Int(length)
        }
        let count = columns[0].count
        guard offset == bytes.count, columns.allSatisfy({ $0.count == count }),
            columns[4].allSatisfy({ $0.value >= 0 && $0.value <= Double(Int32.max) && $0.value == $0.value.rounded() })
        else { return nil }
        return (0..<count).map { index in
            RollupBucket(
                minute: columns[1][index].time, minimum: columns[1][index].value, maximum: columns[2][index].value,
                mean: columns[3][index].value, count: Int(columns[4][index].value), lastTime: columns[0][index].time,
                last: columns[0][index].value)
        }
    }
}
