public import Foundation
public import HeadroomCore

/// Bodies for `POST /api/v2/alerts` (pure).
public enum AlertmanagerPayload {
    /// How long Prometheus keeps re-sending a resolved alert.
    public static let resolvedRetention: TimeInterval = 15 * 60

    /// One postable alert: `labels` (alertname, severity, instance and the alert's labels),
    /// `annotations`, `startsAt`, `endsAt` (`validUntil` while firing, the resolve time once
    /// resolved), `generatorURL`.
    public static func alert(_ notification: AlertNotification, endsAt: Date) -> String {
        let alert = notification.alert
        let utc = TimeZone(identifier: "UTC")!
        var labels = JSONObjectWriter()
        labels.string("alertname", alert.rule)
        labels.string("severity", alert.severity.rawValue)
        if let host = notification.host { labels.string("instance", host) }
        for pair in alert.labels.pairs where !["alertname", "severity", "instance"].contains(pair.name) {
            labels.string(pair.name, pair.value)
        }
        var annotations = JSONObjectWriter()
        annotations.string("summary", notification.summary)
        annotations.string("value", MessageFormat.value(alert.value, metric: alert.metric))
        annotations.string("peak", MessageFormat.value(alert.peak, metric: alert.metric))
        annotations.string("metric", alert.metric)
        var item = JSONObjectWriter()
        item.raw("labels", labels.finish())
        item.raw("annotations", annotations.finish())
        item.string("startsAt", RFC3339.format(alert.firedAt ?? alert.since, timeZone: utc))
        item.string("endsAt", RFC3339.format(endsAt, timeZone: utc))
        item.string("generatorURL", "")
        return item.finish()
    }

    /// `endsAt` for a notification sent at `now`: four resend intervals ahead while firing.
    public static func endsAt(_ notification: AlertNotification, now: Date, resendInterval: Duration) -> Date {
        if notification.kind == .resolved { return notification.alert.resolvedAt ?? notification.time }
        return now.addingTimeInterval(4 * resendInterval.headroomSeconds)
    }

    /// A JSON array of alerts.
    public static func body(_ alerts: [String]) -> [UInt8] {
        Array(("[" + alerts.joined(separator: ",") + "]").utf8)
    }
}
