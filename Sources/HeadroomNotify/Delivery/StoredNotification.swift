import Foundation
public import HeadroomCore

/// The on-disk form of an `AlertNotification` (JSON via Codable): every field, so a
/// notification read back after a restart renders exactly as it would have.
public struct StoredNotification: Sendable, Hashable, Codable {
    var kind: String
    var time: Date
    var host: String?
    var rule: String
    var severity: String
    var family: String
    var metric: String
    var labels: [String: String]
    var condition: String
    var threshold: Double?
    var trendCapacity: Double?
    var trendCapacityMetric: String?
    var trendWindow: Double?
    var trendExhaustionWithin: Double?
    var trendMinimumR2: Double?
    var trendMinimumSamples: Int?
    var value: Double
    var peak: Double
    var since: Date
    var firedAt: Date?
    var resolvedAt: Date?
    var detail: String?
    var estimate: [Double]?
    var increase: Double?
    var summaryTemplate: String?
    var resolveReason: String?

    public init(_ notification: AlertNotification) {
        let alert = notification.alert
        kind = notification.kind.rawValue
        time = notification.time
        host = notification.host
        rule = alert.rule
        severity = alert.severity.rawValue
        family = alert.family
        metric = alert.metric
        labels = Dictionary(alert.labels.pairs.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
        switch alert.condition {
        case .above(let value): condition = "above"; threshold = value
        case .atLeast(let value): condition = "at_least"; threshold = value
        case .below(let value): condition = "below"; threshold = value
        case .atMost(let value): condition = "at_most"; threshold = value
        case .increases: condition = "increases"
        case .trend(let trend):
            condition = "trend"
            switch trend.capacity {
            case .fixed(let value): trendCapacity = value
            case .metric(let name): trendCapacityMetric = name
            }
            trendWindow = trend.window.headroomSeconds
            trendExhaustionWithin = trend.exhaustionWithin.headroomSeconds
            trendMinimumR2 = trend.minimumR2
            trendMinimumSamples = trend.minimumSamples
        }
        value = alert.value
        peak = alert.peak
        since = alert.since
        firedAt = alert.firedAt
        resolvedAt = alert.resolvedAt
        detail = alert.detail
        estimate = alert.trend.map { [$0.slopePerSecond, $0.secondsToExhaustion, $0.capacity, $0.r2] }
        increase = alert.increase
        summaryTemplate = alert.summaryTemplate
        resolveReason = alert.resolveReason
    }

    /// The notification, or nil when a field no longer parses.
    public var notification: AlertNotification? {
        guard let kind = AlertNotification.Kind(rawValue: kind), let severity = Severity(rawValue: severity) else { return nil }
        let parsed: Condition
        switch condition {
        case "above": parsed = .above(threshold ?? 0)
        case "at_least": parsed = .atLeast(threshold ?? 0)
        case "below": parsed = .below(threshold ?? 0)
        case "at_most": parsed = .atMost(threshold ?? 0)
        case "increases": parsed = .increases
        case "trend":
            let capacity: TrendCondition.Capacity = trendCapacityMetric.map { .metric($0) } ?? .fixed(trendCapacity ?? 0)
            parsed = .trend(TrendCondition(capacity: capacity, window: .milliseconds(Int64((trendWindow ?? 600) * 1000)),
                                           exhaustionWithin: .milliseconds(Int64((trendExhaustionWithin ?? 1800) * 1000)),
                                           minimumR2: trendMinimumR2 ?? 0.8, minimumSamples: trendMinimumSamples ?? 6))
        default: return nil
        }
        let trend = estimate.flatMap { $0.count == 4 ? TrendEstimate(slopePerSecond: $0[0], secondsToExhaustion: $0[1], capacity: $0[2], r2: $0[3]) : nil }
        let alert = Alert(rule: rule, severity: severity, family: family, metric: metric, labels: Labels(labels), condition: parsed,
                          value: value, peak: peak, since: since, firedAt: firedAt, resolvedAt: resolvedAt, detail: detail, trend: trend,
                          increase: increase, summaryTemplate: summaryTemplate, resolveReason: resolveReason)
        return AlertNotification(kind: kind, alert: alert, time: time, host: host)
    }
}
