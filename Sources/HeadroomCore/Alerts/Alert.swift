#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// A leak prediction attached to a trend alert.
public struct TrendEstimate: Sendable, Hashable {
    /// Change of the metric per second, in its unit.
    public var slopePerSecond: Double
    /// Predicted seconds until the capacity is reached.
    public var secondsToExhaustion: Double
    /// The capacity the prediction runs to, in the metric's unit.
    public var capacity: Double
    public var r2: Double

    public init(slopePerSecond: Double, secondsToExhaustion: Double, capacity: Double, r2: Double) {
        self.slopePerSecond = slopePerSecond
        self.secondsToExhaustion = secondsToExhaustion
        self.capacity = capacity
        self.r2 = r2
    }
}

/// One alert instance: a rule breached on one series. Identity is rule + labels.
public struct Alert: Sendable, Hashable {
    public var rule: String
    public var severity: Severity
    public var family: String
    /// The metric the rule watches.
    public var metric: String
    /// The series labels (not the rule's matchers).
    public var labels: Labels
    public var condition: Condition
    /// The latest value seen (for a resolved alert: the value that resolved it).
    public var value: Double
    /// The most extreme value while pending or firing (highest for upward conditions).
    public var peak: Double
    /// When the condition started holding (Prometheus' `activeAt`).
    public var since: Date
    /// When the alert started firing.
    public var firedAt: Date?
    /// When it resolved.
    public var resolvedAt: Date?
    /// Text from the sample, such as why a collector failed.
    public var detail: String?
    /// For trend rules: the slope and the predicted exhaustion.
    public var trend: TrendEstimate?
    /// For `increases` rules: how much the counter grew in the last step.
    public var increase: Double?
    /// The rule's summary template (nil: built-in wording).
    public var summaryTemplate: String?
    /// Why it resolved when it did not simply recover (`series vanished`, `rule removed`).
    public var resolveReason: String?

    public init(
        rule: String, severity: Severity, family: String, metric: String, labels: Labels,
        condition: Condition, value: Double, peak: Double, since: Date, firedAt: Date? = nil,
        resolvedAt: Date? = nil, detail: String? = nil, trend: TrendEstimate? = nil,
        increase: Double? = nil, summaryTemplate: String? = nil, resolveReason: String? = nil
    ) {
        self.rule = rule
        self.severity = severity
        self.family = family
        self.metric = metric
        self.labels = labels
        self.condition = condition
        self.value = value
        self.peak = peak
        self.since = since
        self.firedAt = firedAt
        self.resolvedAt = resolvedAt
        self.detail = detail
        self.trend = trend
        self.increase = increase
        self.summaryTemplate = summaryTemplate
        self.resolveReason = resolveReason
    }

    /// The threshold of a threshold rule.
    public var threshold: Double? { condition.threshold }

    /// Stable 16-hex-digit identity of rule + labels (FNV-1a 64), the dedup key
    /// receivers see; the same across restarts and hosts.
    public var fingerprint: String { Alert.fingerprint(rule: rule, labels: labels) }

    /// The fingerprint of a rule applied to a label set.
    public static func fingerprint(rule: String, labels: Labels) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ text: String) {
            for byte in text.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
            hash ^= 0xff
            hash = hash &* 0x0000_0100_0000_01b3
        }
        mix(rule)
        for pair in labels.pairs {
            mix(pair.name)
            mix(pair.value)
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
