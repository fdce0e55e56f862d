public import HeadroomCore

/// The GPU memory thresholds drawn on a memory bar: the warning and critical percentages of
/// the rules that watch `gpu_memory_used_percent` upwards.
public struct MemoryMarks: Sendable, Hashable {
    /// Percent, or nil when no such rule applies.
    public var warning: Double?
    public var critical: Double?

    public init(warning: Double? = nil, critical: Double? = nil) {
        self.warning = warning
        self.critical = critical
    }

    /// The lowest threshold per severity among `rules` whose selector matches the GPU's
    /// `gpu_memory_used_percent` series (`labels`), ignoring trend and downward rules.
    public static func from(_ rules: [AlertRule], labels: Labels) -> MemoryMarks {
        var marks = MemoryMarks()
        for rule in rules where rule.condition.kind == .threshold && rule.condition.isUpward {
            guard let threshold = rule.condition.threshold, rule.selector.matches(SeriesKey("gpu_memory_used_percent", labels)) else { continue }
            switch rule.severity {
            case .critical: marks.critical = min(marks.critical ?? threshold, threshold)
            case .warning: marks.warning = min(marks.warning ?? threshold, threshold)
            case .info: continue
            }
        }
        return marks
    }
}
