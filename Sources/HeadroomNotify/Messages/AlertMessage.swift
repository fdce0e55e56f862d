public import Foundation
public import HeadroomCore

/// The human message of one notification, shared by the chat channels (pure): a title and
/// a few `name: value` lines, rendered as Markdown or plain text.
public struct AlertMessage: Sendable, Hashable {
    public var title: String
    public var lines: [String]

    public init(title: String, lines: [String]) {
        self.title = title
        self.lines = lines
    }

    /// `[FIRING] WARNING cpu_overload on gpu-01` and the summary, values, times and labels.
    public static func make(_ notification: AlertNotification, timeZone: TimeZone) -> AlertMessage {
        let alert = notification.alert
        let state = notification.kind.rawValue.uppercased()
        var title = "[\(state)] \(alert.severity.rawValue.uppercased()) \(alert.rule)"
        if let host = notification.host { title += " on \(host)" }
        var lines = [notification.summary]
        var value = "value: \(MessageFormat.value(alert.value, metric: alert.metric))"
        if let threshold = alert.threshold { value += ", threshold \(MessageFormat.value(threshold, metric: alert.metric))" }
        value += ", peak \(MessageFormat.value(alert.peak, metric: alert.metric))"
        lines.append(value)
        lines.append("since: \(RFC3339.format(alert.since, timeZone: timeZone)) (\(HumanDuration.format(seconds: notification.duration)))")
        if notification.kind == .resolved, let resolved = alert.resolvedAt {
            lines.append("resolved: \(RFC3339.format(resolved, timeZone: timeZone))")
        }
        if !alert.labels.pairs.isEmpty {
            lines.append("labels: " + alert.labels.pairs.map { "\($0.name)=\($0.value)" }.joined(separator: ", "))
        }
        return AlertMessage(title: title, lines: lines)
    }

    /// One message for several notifications (a rate-limit digest), oldest first.
    public static func digest(_ notifications: [AlertNotification], timeZone: TimeZone) -> AlertMessage {
        let hosts = Set(notifications.compactMap(\.host))
        var title = "[DIGEST] \(notifications.count) notifications"
        if hosts.count == 1, let host = hosts.first { title += " on \(host)" }
        let lines = notifications.map { notification in
            let alert = notification.alert
            return "\(notification.kind.rawValue.uppercased()) \(alert.severity.rawValue.uppercased()) \(alert.rule) "
                + "(\(RFC3339.format(notification.time, timeZone: timeZone))): \(notification.summary)"
        }
        return AlertMessage(title: title, lines: lines)
    }

    /// The message for one attempt: the digest when the context carries one.
    public static func make(_ notification: AlertNotification, context: DeliveryContext, timeZone: TimeZone) -> AlertMessage {
        context.digest.isEmpty ? make(notification, timeZone: timeZone) : digest(context.digest, timeZone: timeZone)
    }

    /// `### title` then one line per item (two trailing spaces keep the line breaks).
    public var markdown: String {
        "### \(title)\n" + lines.map { "- \($0)" }.joined(separator: "\n")
    }

    public var plain: String {
        ([title] + lines).joined(separator: "\n")
    }
}
