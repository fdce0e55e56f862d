public import Foundation
public import HeadroomCore

/// One firing alert, as `/api/v1/alerts` lists it.
public struct TopAlert: Sendable, Hashable {
    public var rule: String
    public var severity: Severity
    public var metric: String
    public var labels: Labels
    public var value: Double?
    public var threshold: Double?
    /// When the condition started holding.
    public var since: Date?
    public var detail: String?
    /// For a trend (leak) rule: the predicted seconds until the resource is exhausted.
    public var secondsToExhaustion: Double?

    public init(
        rule: String, severity: Severity, metric: String = "", labels: Labels = .none, value: Double? = nil, threshold: Double? = nil,
        since: Date? = nil, detail: String? = nil, secondsToExhaustion: Double? = nil
    ) {
        self.rule = rule
        self.severity = severity
        self.metric = metric
        self.labels = labels
        self.value = value
        self.threshold = threshold
        self.since = since
        self.detail = detail
        self.secondsToExhaustion = secondsToExhaustion
    }

    /// Reads `/api/v1/alerts` (an array of alert objects, `AlertJSON`'s firing shape). An
    /// entry without a rule is skipped; an unknown severity reads as warning.
    public static func decode(_ body: [UInt8]) throws(TopDecodingError) -> [TopAlert] {
        guard let array = JSONValue.array(body) else {
            throw TopDecodingError(endpoint: "/api/v1/alerts", problem: "the answer is not a JSON array")
        }
        var alerts: [TopAlert] = []
        for case let entry as [String: Any] in array {
            guard let rule = entry["rule"] as? String else { continue }
            alerts.append(
                TopAlert(
                    rule: rule,
                    severity: (entry["severity"] as? String).flatMap(Severity.init(rawValue:)) ?? .warning,
                    metric: (entry["metric"] as? String) ?? "",
                    labels: Labels(JSONValue.labels(entry["labels"])),
                    value: JSONValue.number(entry["value"]),
                    threshold: JSONValue.number(entry["threshold"]),
                    since: (entry["since"] as? String).flatMap(RFC3339.parse),
                    detail: entry["detail"] as? String,
                    secondsToExhaustion: JSONValue.number((entry["trend"] as? [String: Any])?["seconds_to_exhaustion"])))
        }
        return alerts
    }
}

extension TopAlert {
    /// A threshold breach found by `InstantCheck` when no daemon runs: what would fire, without
    /// the rule's hold (`for`, `samples`) or a start time.
    public init(finding: InstantCheck.Finding) {
        self.init(
            rule: finding.rule.name, severity: finding.rule.severity, metric: finding.series.name, labels: finding.series.labels,
            value: finding.value, threshold: finding.rule.condition.threshold, detail: finding.detail)
    }
}
