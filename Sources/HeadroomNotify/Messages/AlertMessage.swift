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

    /// `[FIRING] WARNING cpu_overload on gpu-01` and the summary, values, times and labels
    /// (or the same in Simplified Chinese), times in `timeZone` with their offset.
    public static func make(_ notification: AlertNotification, timeZone: TimeZone, language: MessageLanguage = .en) -> AlertMessage {
        if language == .zhCN { return chinese(notification, timeZone: timeZone) }
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

    /// The Simplified Chinese message: `[告警] 警告 cpu_overload（gpu-01）`.
    static func chinese(_ notification: AlertNotification, timeZone: TimeZone) -> AlertMessage {
        let alert = notification.alert
        var title = "[\(chineseKind(notification.kind))] \(chineseSeverity(alert.severity)) \(alert.rule)"
        if let host = notification.host { title += "（\(host)）" }
        let subject = MessageFormat.subject(alert)
        let current = MessageFormat.value(alert.value, metric: alert.metric)
        let peak = MessageFormat.value(alert.peak, metric: alert.metric)
        let held = chineseDuration(notification.duration)
        let summary: String
        if alert.summaryTemplate != nil {
            summary = notification.summary
        } else {
            switch notification.kind {
            case .resolved: summary = "\(subject) 已恢复，当前 \(current)（峰值 \(peak)），共持续 \(held)"
            case .flapping: summary = "\(subject) 在阈值附近反复波动（当前 \(current)），暂缓发送状态变化"
            case .firing, .repeat:
                if let threshold = alert.threshold {
                    let relation =
                        switch alert.condition {
                        case .above: "高于"
                        case .atLeast: "不低于"
                        case .below: "低于"
                        case .atMost: "不高于"
                        case .increases, .trend: "超出"
                        }
                    summary = "\(subject) 当前 \(current)，\(relation)阈值 \(MessageFormat.value(threshold, metric: alert.metric))，已持续 \(held)"
                } else {
                    summary = "\(subject) 当前 \(current)，已持续 \(held)"
                }
            }
        }
        var lines = [summary]
        var value = "当前值：\(current)"
        if let threshold = alert.threshold { value += "，阈值 \(MessageFormat.value(threshold, metric: alert.metric))" }
        value += "，峰值 \(peak)"
        lines.append(value)
        lines.append("开始时间：\(RFC3339.format(alert.since, timeZone: timeZone))（持续 \(held)）")
        if notification.kind == .resolved, let resolved = alert.resolvedAt {
            lines.append("恢复时间：\(RFC3339.format(resolved, timeZone: timeZone))")
        }
        if !alert.labels.pairs.isEmpty {
            lines.append("标签：" + alert.labels.pairs.map { "\($0.name)=\($0.value)" }.joined(separator: "，"))
        }
        return AlertMessage(title: title, lines: lines)
    }

    static func chineseKind(_ kind: AlertNotification.Kind) -> String {
        switch kind {
        case .firing: "告警"
        case .repeat: "持续告警"
        case .resolved: "已恢复"
        case .flapping: "抖动"
        }
    }

    static func chineseSeverity(_ severity: Severity) -> String {
        switch severity {
        case .info: "提示"
        case .warning: "警告"
        case .critical: "严重"
        }
    }

    /// `6m33s` → `6分33秒`, `1h2m` → `1小时2分`, `2d` → `2天`.
    static func chineseDuration(_ seconds: Double) -> String {
        var out = ""
        for character in HumanDuration.format(seconds: seconds) {
            switch character {
            case "d": out += "天"
            case "h": out += "小时"
            case "m": out += "分"
            case "s": out += "秒"
            default: out.append(character)
            }
        }
        return out.replacingOccurrences(of: "分秒", with: "毫秒")
    }

    /// One message for several notifications (a rate-limit digest), oldest first.
    public static func digest(_ notifications: [AlertNotification], timeZone: TimeZone, language: MessageLanguage = .en) -> AlertMessage {
        let hosts = Set(notifications.compactMap(\.host))
        let chinese = language == .zhCN
        var title = chinese ? "[汇总] \(notifications.count) 条通知" : "[DIGEST] \(notifications.count) notifications"
        if hosts.count == 1, let host = hosts.first { title += chinese ? "（\(host)）" : " on \(host)" }
        let lines = notifications.map { notification in
            let alert = notification.alert
            let one = make(notification, timeZone: timeZone, language: language)
            let state =
                chinese
                ? "\(chineseKind(notification.kind)) \(chineseSeverity(alert.severity))"
                : "\(notification.kind.rawValue.uppercased()) \(alert.severity.rawValue.uppercased())"
            return "\(state) \(alert.rule) (\(RFC3339.format(notification.time, timeZone: timeZone))): \(one.lines[0])"
        }
        return AlertMessage(title: title, lines: lines)
    }

    /// The message for one attempt: the digest when the context carries one.
    public static func make(
        _ notification: AlertNotification, context: DeliveryContext, timeZone: TimeZone,
        language: MessageLanguage = .en
    ) -> AlertMessage {
        context.digest.isEmpty
            ? make(notification, timeZone: timeZone, language: language)
            : digest(context.digest, timeZone: timeZone, language: language)
    }

    /// `### title` then one line per item (two trailing spaces keep the line breaks).
    public var markdown: String {
        "### \(title)\n" + lines.map { "- \($0)" }.joined(separator: "\n")
    }

    public var plain: String {
        ([title] + lines).joined(separator: "\n")
    }
}
