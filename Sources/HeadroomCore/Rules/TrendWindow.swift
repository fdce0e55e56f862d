/// The recent `(time, value)` points of one series that a trend is fitted over, bounded by the
/// window whatever the interval: any two points with one between them lie at least
/// `window / pointsPerWindow` apart, so it holds at most `2 × pointsPerWindow + 2` points,
/// always ending with the latest sample. A 10-minute window at `interval: 100ms` keeps about
/// 550 of its 6,000 samples (all of them used to be kept, 96 KiB per series, and fitted every
/// round); from 1 s on every sample is kept. Trend rules (`AlertSlot`) and GPU process growth
/// (`GPUProcessGrowth`) keep one per series.
public struct TrendWindow: Sendable, Equatable {
    public static let pointsPerWindow = 512.0

    public private(set) var times: [Double] = []
    public private(set) var values: [Double] = []

    public init() {}

    /// Saved points, as they were (`times` and `values` of equal length, in time order).
    public init(times: [Double], values: [Double]) {
        precondition(times.count == values.count, "a time for every value")
        self.times = times
        self.values = values
    }

    public var count: Int { times.count }

    /// Adds the latest sample and drops the points more than `window` seconds before it. A
    /// sample within `window / pointsPerWindow` of the point before the newest takes the
    /// newest's place instead of adding a point.
    public mutating func append(time: Double, value: Double, window: Double) {
        let count = times.count
        if count >= 2, time - times[count - 2] < window / Self.pointsPerWindow {
            times[count - 1] = time
            values[count - 1] = value
        } else {
            times.append(time)
            values.append(value)
        }
        if let firstKept = times.firstIndex(where: { $0 >= time - window }), firstKept > 0 {
            times.removeFirst(firstKept)
            values.removeFirst(firstKept)
        }
    }

    /// The least-squares line through the points (`TrendFit.fit`).
    public var fit: TrendFit? { TrendFit.fit(times: times, values: values) }
}
