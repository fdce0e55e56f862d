public import Foundation
public import HeadroomCore

/// The JSON log schema (version 1): one object per notification, keys in a fixed order.
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
public enum AlertJSON {
    /// One line of JSON (no trailing newline).
    public static func encode(_ notification: AlertNotification, timeZone: TimeZone = .current) -> String {
        let alert = notification.alert
        var writer = JSONObjectWriter()
        writer.string("time", RFC3339.format(notification.time, timeZone: timeZone))
        writer.string("status", notification.kind.rawValue)
        writer.string("severity", alert.severity.rawValue)
        writer.string("rule", alert.rule)
        writer.string("metric", alert.metric)
        writer.raw("labels", object(alert.labels))
        writer.number("value", alert.value)
        writer.number("threshold", alert.threshold)
        writer.string("since", RFC3339.format(alert.since, timeZone: timeZone))
        writer.number("duration", (notification.duration * 1000).rounded() / 1000)
        writer.number("peak", alert.peak)
        writer.string("summary", notification.summary)
        writer.string("host", notification.host)
        writer.string("fingerprint", alert.fingerprint)
        writer.string("fired_at", alert.firedAt.map { RFC3339.format($0, timeZone: timeZone) })
        writer.string("resolved_at", notification.kind == .resolved ? alert.resolvedAt.map { RFC3339.format($0, timeZone: timeZone) } : nil)
        if let trend = alert.trend {
            var inner = JSONObjectWriter()
            inner.number("slope_per_second", trend.slopePerSecond)
            inner.number("seconds_to_exhaustion", trend.secondsToExhaustion.rounded())
            inner.number("capacity", trend.capacity)
            inner.number("r2", (trend.r2 * 1000).rounded() / 1000)
            writer.raw("trend", inner.finish())
        }
        writer.raw("schema", "1")
        return writer.finish()
    }

    private static func object(_ labels: Labels) -> String {
        var writer = JSONObjectWriter()
        for pair in labels.pairs { writer.string(pair.name, pair.value) }
        return writer.finish()
    }
}

/// Writes one JSON object with keys in insertion order.
struct JSONObjectWriter {
    private var text = "{"
    private var first = true

    mutating func raw(_ key: String, _ json: String) {
        if !first { text += "," }
        first = false
        text += JSONObjectWriter.quote(key) + ":" + json
    }

    mutating func string(_ key: String, _ value: String?) {
        raw(key, value.map(JSONObjectWriter.quote) ?? "null")
    }

    mutating func number(_ key: String, _ value: Double?) {
        guard let value, value.isFinite else { return raw(key, "null") }
        if value == value.rounded(), abs(value) < 9.0e15 {
            raw(key, String(Int64(value)))
        } else {
            raw(key, "\(value)")
        }
    }

    func finish() -> String { text + "}" }

    static func quote(_ value: String) -> String { JSONText.quote(value) }
}

/// JSON text helpers shared by every writer of JSON (and of double-quoted YAML, which
/// accepts the same escapes).
public enum JSONText {
    /// A JSON string literal, escaping quotes, backslashes and control characters.
    public static func quote(_ value: String) -> String { TextEscaping.quoted(value, .json) }
}
