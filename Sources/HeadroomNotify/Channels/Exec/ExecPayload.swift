public import Foundation
public import HeadroomCore

/// The exec channel's inputs and the meaning of its exit status (pure).
public enum ExecPayload {
    /// `EX_TEMPFAIL`: the command asks to be run again later.
    public static let temporaryFailure: Int32 = 75

    /// `HEADROOM_*` variables with the alert's fields, plus `PATH` (nothing else is inherited).
    public static func environment(_ notification: AlertNotification, idempotencyKey: String, timeZone: TimeZone) -> [String: String] {
        let alert = notification.alert
        var environment = [
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HEADROOM_STATUS": notification.kind.rawValue,
            "HEADROOM_SEVERITY": alert.severity.rawValue,
            "HEADROOM_RULE": alert.rule,
            "HEADROOM_METRIC": alert.metric,
            "HEADROOM_VALUE": MessageFormat.number(alert.value, decimals: 3),
            "HEADROOM_PEAK": MessageFormat.number(alert.peak, decimals: 3),
            "HEADROOM_SUMMARY": notification.summary,
            "HEADROOM_SINCE": RFC3339.format(alert.since, timeZone: timeZone),
            "HEADROOM_TIME": RFC3339.format(notification.time, timeZone: timeZone),
            "HEADROOM_DURATION_SECONDS": String(Int(notification.duration.rounded())),
            "HEADROOM_FINGERPRINT": alert.fingerprint,
            "HEADROOM_IDEMPOTENCY_KEY": idempotencyKey,
            "HEADROOM_LABELS": alert.labels.pairs.map { "\($0.name)=\($0.value)" }.joined(separator: ","),
        ]
        if let threshold = alert.threshold { environment["HEADROOM_THRESHOLD"] = MessageFormat.number(threshold, decimals: 3) }
        if let host = notification.host { environment["HEADROOM_HOST"] = host }
        return environment
    }

    /// nil for exit 0; retryable for 75 (EX_TEMPFAIL) and a timeout; permanent otherwise.
    public static func classify(_ result: CommandResult, channel: String) -> DeliveryError? {
        let detail = result.standardError.trimmingCharacters(in: .whitespacesAndNewlines)
        let suffix = detail.isEmpty ? "" : ": " + String(detail.prefix(300))
        if result.timedOut { return .retryable("\(channel): the command timed out and was stopped" + suffix) }
        switch result.status {
        case 0?: return nil
        case temporaryFailure?: return .retryable("\(channel): the command exited 75 (try again later)" + suffix)
        case let status?: return .permanent("\(channel): the command exited \(status)" + suffix)
        case nil: return .retryable("\(channel): the command was killed by a signal" + suffix)
        }
    }
}
