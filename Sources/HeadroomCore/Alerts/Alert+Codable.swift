#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The one on-disk form of an alert, shared by the outbox (each pending notification) and
/// the saved alert-engine state: flat keys, conditions by name, so a file written by one
/// version reads back in the next. Decoding fails on a condition it does not know.
extension Alert: Codable {
    enum CodingKeys: String, CodingKey {
        case rule, severity, family, metric, labels, condition, threshold
        case trendCapacity, trendCapacityMetric, trendWindow, trendExhaustionWithin, trendMinimumR2, trendMinimumSamples
        case value, peak, since, firedAt, resolvedAt, detail, estimate, increase, summaryTemplate, resolveReason
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rule, forKey: .rule)
        try container.encode(severity.rawValue, forKey: .severity)
        try container.encode(family, forKey: .family)
        try container.encode(metric, forKey: .metric)
        try container.encode(Dictionary(labels.pairs.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 }), forKey: .labels)
        switch condition {
        case .above(let threshold):
            try container.encode("above", forKey: .condition)
            try container.encode(threshold, forKey: .threshold)
        case .atLeast(let threshold):
            try container.encode("at_least", forKey: .condition)
            try container.encode(threshold, forKey: .threshold)
        case .below(let threshold):
            try container.encode("below", forKey: .condition)
            try container.encode(threshold, forKey: .threshold)
        case .atMost(let threshold):
            try container.encode("at_most", forKey: .condition)
            try container.encode(threshold, forKey: .threshold)
        case .increases: try container.encode("increases", forKey: .condition)
        case .trend(let trend):
            try container.encode("trend", forKey: .condition)
            switch trend.capacity {
            case .fixed(let capacity): try container.encode(capacity, forKey: .trendCapacity)
            case .metric(let name): try container.encode(name, forKey: .trendCapacityMetric)
            }
            try container.encode(trend.window.headroomSeconds, forKey: .trendWindow)
            try container.encode(trend.exhaustionWithin.headroomSeconds, forKey: .trendExhaustionWithin)
            try container.encode(trend.minimumR2, forKey: .trendMinimumR2)
            try container.encode(trend.minimumSamples, forKey: .trendMinimumSamples)
        }
        try container.encode(value, forKey: .value)
        try container.encode(peak, forKey: .peak)
        try container.encode(since, forKey: .since)
        try container.encodeIfPresent(firedAt, forKey: .firedAt)
        try container.encodeIfPresent(resolvedAt, forKey: .resolvedAt)
        try container.encodeIfPresent(detail, forKey: .detail)
        try container.encodeIfPresent(trend.map { [$0.slopePerSecond, $0.secondsToExhaustion, $0.capacity, $0.r2] }, forKey: .estimate)
        try container.encodeIfPresent(increase, forKey: .increase)
        try container.encodeIfPresent(summaryTemplate, forKey: .summaryTemplate)
        try container.encodeIfPresent(resolveReason, forKey: .resolveReason)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let severityName = try container.decode(String.self, forKey: .severity)
        guard let severity = Severity(rawValue: severityName) else {
            throw DecodingError.dataCorruptedError(forKey: .severity, in: container, debugDescription: "unknown severity \(severityName)")
        }
        let threshold = try container.decodeIfPresent(Double.self, forKey: .threshold) ?? 0
        let conditionName = try container.decode(String.self, forKey: .condition)
        let condition: Condition
        switch conditionName {
        case "above": condition = .above(threshold)
        case "at_least": condition = .atLeast(threshold)
        case "below": condition = .below(threshold)
        case "at_most": condition = .atMost(threshold)
        case "increases": condition = .increases
        case "trend":
            let capacity: TrendCondition.Capacity =
                try container.decodeIfPresent(String.self, forKey: .trendCapacityMetric).map { .metric($0) }
                ?? .fixed(try container.decodeIfPresent(Double.self, forKey: .trendCapacity) ?? 0)
            let window = try container.decodeIfPresent(Double.self, forKey: .trendWindow) ?? 600
            let within = try container.decodeIfPresent(Double.self, forKey: .trendExhaustionWithin) ?? 1800
            condition = .trend(
                TrendCondition(
                    capacity: capacity, window: .milliseconds(Int64(window * 1000)), exhaustionWithin: .milliseconds(Int64(within * 1000)),
                    minimumR2: try container.decodeIfPresent(Double.self, forKey: .trendMinimumR2) ?? 0.8,
                    minimumSamples: try container.decodeIfPresent(Int.self, forKey: .trendMinimumSamples) ?? 6))
        default:
            throw DecodingError.dataCorruptedError(forKey: .condition, in: container, debugDescription: "unknown condition \(conditionName)")
        }
        let estimate = try container.decodeIfPresent([Double].self, forKey: .estimate)
        self.init(
            rule: try container.decode(String.self, forKey: .rule), severity: severity,
            family: try container.decode(String.self, forKey: .family), metric: try container.decode(String.self, forKey: .metric),
            labels: Labels(try container.decode([String: String].self, forKey: .labels)), condition: condition,
            value: try container.decode(Double.self, forKey: .value), peak: try container.decode(Double.self, forKey: .peak),
            since: try container.decode(Date.self, forKey: .since),
            firedAt: try container.decodeIfPresent(Date.self, forKey: .firedAt),
            resolvedAt: try container.decodeIfPresent(Date.self, forKey: .resolvedAt),
            detail: try container.decodeIfPresent(String.self, forKey: .detail),
            trend: estimate.flatMap {
                $0.count == 4
                    ? TrendEstimate(slopePerSecond: $0[0], secondsToExhaustion: $0[1], capacity: $0[2], r2: $0[3]) : nil
            },
            increase: try container.decodeIfPresent(Double.self, forKey: .increase),
            summaryTemplate: try container.decodeIfPresent(String.self, forKey: .summaryTemplate),
            resolveReason: try container.decodeIfPresent(String.self, forKey: .resolveReason))
    }
}
