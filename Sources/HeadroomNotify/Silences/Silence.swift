public import Foundation
public import HeadroomCore

/// Mutes the notifications whose labels match every matcher, from `startsAt` until
/// `endsAt` (pure: time is an input).
public struct Silence: Sendable, Hashable, Codable {
    public var id: String
    public var matchers: [SilenceMatcher]
    public var startsAt: Date
    public var endsAt: Date
    public var comment: String
    public var createdBy: String

    public init(id: String, matchers: [SilenceMatcher], startsAt: Date, endsAt: Date, comment: String, createdBy: String) {
        self.id = id
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.comment = comment
        self.createdBy = createdBy
    }

    public func isActive(at now: Date) -> Bool { startsAt <= now && now < endsAt }

    /// Whether this silence is active at `now` and matches `notification`.
    public func silences(_ notification: AlertNotification, at now: Date) -> Bool {
        isActive(at: now) && !matchers.isEmpty && matchers.allSatisfy { $0.matches(Self.labels(of: notification)) }
    }

    /// What matchers see: the alert's labels plus `alertname` (the rule), `severity`,
    /// `metric` and `host`.
    public static func labels(of notification: AlertNotification) -> [String: String] {
        var labels = Dictionary(notification.alert.labels.pairs.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
        labels["alertname"] = notification.alert.rule
        labels["severity"] = notification.alert.severity.rawValue
        labels["metric"] = notification.alert.metric
        if let host = notification.host { labels["host"] = host }
        return labels
    }
}
