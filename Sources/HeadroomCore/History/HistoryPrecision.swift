/// The one place the history store gives up exactness, and the rule it follows.
///
/// A derived percentage (a series whose name ends in `_percent`: CPU busy time over total
/// time, memory used over total) has a full 52-bit mantissa that changes every round, though
/// what it measures is far coarser (a core's busy share over 5 s is counted in 1/500ths at
/// 100 Hz). The store keeps such a value as:
///
/// - itself, when it has at most three decimals (integers, 37.5, 12.25 are stored exactly);
/// - otherwise the nearest thousandth that lies strictly between the same two hundredths as
///   the value: when the nearest thousandth is itself a hundredth, the one next to it on the
///   value's side.
///
/// So a stored percentage differs from the sample by at most 0.0015 percentage points, and
/// compares with every threshold or clear level written with at most two decimals (`above: 90`,
/// `below: 12.5`, `at_least: 99.95`) exactly as the sample did: above, at, or below. NaN,
/// ±infinity, -0.0 and values of a trillion percent and more are kept as they are.
public enum HistoryPrecision {
    /// Whether the store quantizes the values of metric `name` (see `percent(_:)`).
    public static func quantizes(metric name: String) -> Bool { name.hasSuffix("_percent") }

    /// The value a percentage is stored as (see the type's documentation).
    public static func percent(_ value: Double) -> Double {
        guard value.isFinite, value.magnitude < 1e12 else { return value }
        let thousandths = (value * 1000).rounded()
        let nearest = thousandths / 1000
        if nearest == value { return value }
        if Int64(thousandths) % 10 != 0 { return nearest }
        // The nearest thousandth is a hundredth the value is not: step to the value's side.
        return (value > nearest ? thousandths + 1 : thousandths - 1) / 1000
    }
}
