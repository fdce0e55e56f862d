import Foundation

/// The one JSON schema of a history event (pure), used by `/api/v1/alerts/history` and
/// `headroom history --format json`. Keys in this order, absent values `null`:
///
/// | key | type | meaning |
/// |---|---|---|
/// | `time` | RFC 3339 string (UTC) | when it happened |
/// | `category` | `alert` \| `notification` \| `incident` | |
/// | `kind` | string | alert: `pending`, `cancelled`, `firing`, `resolved`; notification: `firing`, `repeat`, `resolved`, `flapping`; incident: `container_oom_kill`, `child_crashed`, `gpu_lost`, `gpu_xid`, `cuda_oom` |
/// | `rule`, `severity` | string \| null | the alert's rule and severity (null for an incident) |
/// | `labels` | object of strings | the series' labels |
/// | `channel`, `outcome` | string \| null | a notification's channel and what became of it: `delivered`, `retrying`, `failed`, `expired`, `dropped`, `silenced` |
/// | `detail` | string | the alert's detail, the failure's reason, what the incident said |
public enum HistoryEventJSON {
    public static func encode(_ event: HistoryEvent) -> String {
        var writer = JSONObjectWriter()
        writer.string("time", RFC3339.format(event.time, timeZone: TimeZone(secondsFromGMT: 0)!))
        writer.string("category", event.category.rawValue)
        writer.string("kind", event.kind)
        writer.string("rule", event.rule)
        writer.string("severity", event.severity?.rawValue)
        var labels = JSONObjectWriter()
        for pair in event.labels.pairs { labels.string(pair.name, pair.value) }
        writer.raw("labels", labels.finish())
        writer.string("channel", event.channel)
        writer.string("outcome", event.outcome?.rawValue)
        writer.string("detail", event.detail)
        return writer.finish()
    }

    /// A JSON array of `events`.
    public static func encode(_ events: [HistoryEvent]) -> String {
        "[" + events.map { encode($0) }.joined(separator: ",") + "]"
    }
}
