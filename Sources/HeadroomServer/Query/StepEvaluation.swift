/// Prometheus's evaluation of an instant selector over recorded samples (pure): at each
/// step time t, the latest sample in (t − lookback, t]; no sample there, no point.
enum StepEvaluation {
    /// How far back a step looks for a sample: Prometheus's default lookback delta, 5 minutes.
    static let lookbackMilliseconds: Int64 = 300_000
    /// The most steps a range query may ask for, Prometheus's own limit.
    static let maximumSteps: Int64 = 11_000

    /// The step times of a range query from `start` to `end` every `step` (milliseconds),
    /// or the error Prometheus answers for the same request.
    static func steps(start: Int64, end: Int64, step: Int64) throws(QueryError) -> StrideThrough<Int64> {
        guard end >= start else { throw .badData("end timestamp must not be before start time") }
        guard step > 0 else { throw .badData("zero or negative query resolution step widths are not accepted. Try a positive integer") }
        guard (end - start) / step <= maximumSteps else {
            throw .badData("exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")
        }
        return stride(from: start, through: end, by: Int(step))
    }

    /// The first sample time a query needs for its earliest step `start` (the store's range
    /// includes both ends; the lookback window excludes its start).
    static func earliestSample(forStep start: Int64) -> Int64 {
        start - lookbackMilliseconds + 1
    }

    /// The points of one series at `times` (ascending), from its `samples` (oldest first).
    static func points(_ samples: [(time: Int64, value: Double)], at times: some Sequence<Int64>) -> [(time: Int64, value: Double)] {
        var points: [(time: Int64, value: Double)] = []
        var next = 0 // the first sample after the current step
        for time in times {
            while next < samples.count, samples[next].time <= time { next += 1 }
            guard next > 0 else { continue }
            let latest = samples[next - 1]
            if latest.time > time - lookbackMilliseconds { points.append((time, latest.value)) }
        }
        return points
    }

    /// The point of one series at `time`, or nil when it has no sample in the lookback window.
    static func point(_ samples: [(time: Int64, value: Double)], at time: Int64) -> (time: Int64, value: Double)? {
        points(samples, at: CollectionOfOne(time)).first
    }
}
