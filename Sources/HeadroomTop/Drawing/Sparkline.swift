/// A sparkline: one cell per slice of a time span, eight levels (`▁▂▃▄▅▆▇█`) between a
/// fixed floor and ceiling, so a full block always means "at the ceiling" (100 %, the
/// GPU's total memory) rather than "the highest value seen".
public enum Sparkline {
    static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// `width` cells over [`start`, `end`] (Unix seconds). A cell shows the highest value in
    /// its slice (a spike stays visible at any range); a slice without points is a space,
    /// so a gap in the data looks like one. Values at or below `floor` draw `▁`.
    public static func render(_ points: [TimedValue], from start: Double, to end: Double, width: Int, floor: Double, ceiling: Double) -> String {
        guard width > 0 else { return "" }
        guard end > start, ceiling > floor else { return String(repeating: " ", count: width) }
        var peaks = [Double?](repeating: nil, count: width)
        let slice = (end - start) / Double(width)
        for point in points where point.time >= start && point.time <= end {
            let cell = min(width - 1, Int((point.time - start) / slice))
            peaks[cell] = max(peaks[cell] ?? -.infinity, point.value)
        }
        return String(
            peaks.map { peak -> Character in
                guard let peak else { return " " }
                let fraction = (peak - floor) / (ceiling - floor)
                return levels[max(0, min(levels.count - 1, Int((fraction * Double(levels.count)).rounded(.down))))]
            })
    }
}
