public import Foundation

/// The one JSON schema of an alert, written by hand with keys in a fixed order (pure). A
/// notification (JSON log, webhook `json` format, exec's standard input; version 1) and a
/// firing alert in `/api/v1/alerts` and `/readyz` share every key they have in common,
/// in the same order and with the same types: a value that is not finite is `null`.
///
/// A notification:
///
/// | key | type | meaning |
/// |---|---|---|
/// | `time` | RFC 3339 string with offset | when the notification was produced |
/// | `status` | `firing` \| `repeat` \| `resolved` \| `flapping` | why it was sent |
/// | `severity` | `info` \| `warning` \| `critical` | |
/// | `rule` | string | rule name |
/// | `metric` | string | metric the rule watches |
/// | `labels` | object of strings | the series labels |
/// | `value` | number \| null | latest value (resolved: the value that resolved it) |
/// | `threshold` | number \| null | the rule's threshold (null for `increases` and trend rules) |
/// | `since` | RFC 3339 string | when the condition started holding |
/// | `duration` | number | seconds the condition has held (resolved: held in total) |
/// | `peak` | number \| null | most extreme value while pending/firing |
/// | `summary` | string | the human sentence |
/// | `host` | string \| null | host name |
/// | `fingerprint` | string | 16 hex digits, stable per rule + labels: the dedup key |
/// | `fired_at`, `resolved_at` | RFC 3339 string \| null | |
/// | `trend` | object \| absent | `slope_per_second`, `seconds_to_exhaustion`, `capacity`, `r2` |
/// | `schema` | `1` | bumped on incompatible change |
///
/// A firing alert (the API): `state` (`firing`) first instead of `time` and `status`, then
/// the same keys without `duration`, `summary`, `host` and `resolved_at`, and `gate`
/// (boolean: the rule gates readiness) and `detail` (string | null) instead of `schema`.
public enum AlertJSON {
    /// One line of JSON (no trailing newline).
    public static func encode(_ notification: AlertNotification, timeZone: TimeZone = .current) -> String {
        write(notification.alert, .notification(notification), timeZone: timeZone)
    }

    /// A firing alert as the API shows it, times in UTC.
    public static func encode(firing alert: Alert, gate: Bool) -> String {
        write(alert, .firing(gate: gate), timeZone: TimeZone(identifier: "UTC") ?? .current)
    }

    private enum Document {
        case notification(AlertNotification)
        case firing(gate: Bool)
    }

    private static func write(_ alert: Alert, _ document: Document, timeZone: TimeZone) -> String {
        func time(_ date: Date?) -> String? { date.map { RFC3339.format($0, timeZone: timeZone) } }
        var notification: AlertNotification?
        if case .notification(let sent) = document { notification = sent }
        var writer = JSONObjectWriter()
        if let notification {
            writer.string("time", time(notification.time))
            writer.string("status", notification.kind.rawValue)
        } else {
            writer.string("state", "firing")
        }
        writer.string("severity", alert.severity.rawValue)
        writer.string("rule", alert.rule)
        writer.string("metric", alert.metric)
        writer.raw("labels", object(alert.labels))
        writer.number("value", alert.value)
        writer.number("threshold", alert.threshold)
        writer.string("since", time(alert.since))
        if let notification { writer.number("duration", (notification.duration * 1000).rounded() / 1000) }
        writer.number("peak", alert.peak)
        if let notification {
            writer.string("summary", notification.summary)
            writer.string("host", notification.host)
        }
        writer.string("fingerprint", alert.fingerprint)
        writer.string("fired_at", time(alert.firedAt))
        if let notification { writer.string("resolved_at", notification.kind == .resolved ? time(alert.resolvedAt) : nil) }
        if let trend = alert.trend {
            var inner = JSONObjectWriter()
            inner.number("slope_per_second", trend.slopePerSecond)
            inner.number("seconds_to_exhaustion", trend.secondsToExhaustion.rounded())
            inner.number("capacity", trend.capacity)
            inner.number("r2", (trend.r2 * 1000).rounded() / 1000)
            writer.raw("trend", inner.finish())
        }
        switch document {
        case .notification: writer.raw("schema", "1")
        case .firing(let gate):
            writer.raw("gate", gate ? "true" : "false")
            writer.string("detail", alert.detail)
        }
        return writer.finish()
    }

    private static func object(_ labels: Labels) -> String {
        var writer = JSONObjectWriter()
        for pair in labels.pairs { writer.string(pair.name, pair.value) }
        return writer.finish()
    }
}
