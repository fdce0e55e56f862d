/// An ordinary least-squares line through `(time, value)` points, with its R².
public struct TrendFit: Sendable, Hashable {
    /// Change of the value per second.
    public var slope: Double
    /// The fitted value at the last point's time.
    public var fittedLast: Double
    /// Coefficient of determination in [0, 1]; 1 for a perfect line. A flat series
    /// (no variance) has R² = 0: it predicts nothing.
    public var r2: Double
    public var count: Int
    /// Seconds between the first and last point.
    public var span: Double

    /// Fits the points; nil with fewer than two points or no spread in time.
    public static func fit(times: [Double], values: [Double]) -> TrendFit? {
        let count = min(times.count, values.count)
        guard count >= 2 else { return nil }
        // Centre on the means to keep precision with epoch-sized times.
        var meanT = 0.0
        var meanV = 0.0
        for index in 0..<count {
            meanT += times[index]
            meanV += values[index]
        }
        meanT /= Double(count)
        meanV /= Double(count)
        var sTT = 0.0
        var sTV = 0.0
        var sVV = 0.0
        for index in 0..<count {
            let dt = times[index] - meanT
            let dv = values[index] - meanV
            sTT += dt * dt
            sTV += dt * dv
            sVV += dv * dv
        }
        guard sTT > 0 else { return nil }
        let slope = sTV / sTT
        let r2 = sVV > 0 ? min(1, max(0, (sTV * sTV) / (sTT * sVV))) : 0
        let last = times[count - 1]
        return TrendFit(
            slope: slope,
            fittedLast: meanV + slope * (last - meanT),
            r2: r2,
            count: count,
            span: last - times[0]
        )
    }

    /// Seconds until the fitted line reaches `capacity`; nil when it is not rising.
    public func secondsUntil(_ capacity: Double) -> Double? {
        guard slope > 0 else { return nil }
        return max(0, (capacity - fittedLast) / slope)
    }
}
