public import Foundation
public import HeadroomCore

/// Prints one human line per notification:
/// `2026-11-25T14:03:07.250+08:00 [WARN] cpu_overload: cpu_used_percent 95.2% > 90.0% for 15s (host gpu-01)`.
/// Colour only on a TTY, never when `NO_COLOR` is set. With `language: zh-CN` the tag and
/// the sentence are Simplified Chinese: `… [严重] gpu_memory_critical: …（主机 gpu-01）`.
public struct ConsoleNotifier: Notifier {
    public let channel: String
    private let sink: TextSink
    private let useColor: Bool
    private let timeZone: TimeZone
    private let language: MessageLanguage

    public init(
        channel: String, configuration: ConsoleConfiguration, environment: [String: String], timeZone: TimeZone = .current,
        language: MessageLanguage = .en, sink: TextSink? = nil
    ) {
        self.channel = channel
        self.language = language
        let resolved = sink ?? (configuration.stream == .stdout ? TextSink.standardOutput : TextSink.standardError)
        self.sink = resolved
        self.timeZone = timeZone
        switch configuration.color {
        case .always: useColor = true
        case .never: useColor = false
        case .auto: useColor = resolved.isTerminal && environment["NO_COLOR", default: ""].isEmpty && environment["TERM"] != "dumb"
        }
    }

    public func deliver(_ notification: AlertNotification, context _: DeliveryContext) async throws(DeliveryError) {
        try sink.write(ConsoleNotifier.line(notification, color: useColor, timeZone: timeZone, language: language) + "\n")
    }

    /// The line for one notification (pure, for tests and `headroom check`).
    public static func line(
        _ notification: AlertNotification, color: Bool, timeZone: TimeZone = .current,
        language: MessageLanguage = .en
    ) -> String {
        var (tag, ansi) = tagAndColor(notification)
        var summary = notification.summary
        if language == .zhCN {
            tag =
                "["
                + (notification.kind == .firing || notification.kind == .repeat
                    ? AlertMessage.chineseSeverity(notification.alert.severity) : AlertMessage.chineseKind(notification.kind)) + "]"
            summary = AlertMessage.make(notification, timeZone: timeZone, language: .zhCN).lines.first ?? summary
        }
        let shownTag = color ? "\u{1B}[\(ansi)m\(tag)\u{1B}[0m" : tag
        var text = "\(RFC3339.format(notification.time, timeZone: timeZone)) \(shownTag) \(notification.alert.rule): \(summary)"
        if let host = notification.host { text += language == .zhCN ? "（主机 \(host)）" : " (host \(host))" }
        return text
    }

    /// The level tag and its ANSI colour code.
    static func tagAndColor(_ notification: AlertNotification) -> (String, String) {
        switch notification.kind {
        case .resolved: return ("[RESOLVED]", "1;32")
        case .flapping: return ("[FLAPPING]", "1;35")
        case .firing, .repeat:
            switch notification.alert.severity {
            case .info: return ("[INFO]", "1;36")
            case .warning: return ("[WARN]", "1;33")
            case .critical: return ("[CRIT]", "1;31")
            }
        }
    }
}
