import Foundation

/// The JSON contract of `headroom backtest --format json` (stable; documented in the README):
///
/// ```
/// {"from": RFC 3339, "to": RFC 3339,
///  "rules": [{"rule", "severity", "notifications": {"firing", "resolved", "flapping", "repeat"}, "firing_seconds"}],
///  "incidents": [{"kind", "at", "labels", "detail", "warned_by": [{"rule", "severity", "lead_seconds"}]}],
///  "against": {"config", "rules": […], "incidents": […]}}   (only with --against)
/// ```
/// Rules in configuration order; incidents oldest first; `warned_by` longest lead first.
public enum BacktestJSON {
    public static func encode(_ report: BacktestReport, against: (config: String, report: BacktestReport)? = nil) -> String {
        var writer = JSONObjectWriter()
        writer.string("from", time(report.from))
        writer.string("to", time(report.to))
        writer.raw("rules", rules(report))
        writer.raw("incidents", incidents(report))
        if let against {
            var other = JSONObjectWriter()
            other.string("config", against.config)
            other.raw("rules", rules(against.report))
            other.raw("incidents", incidents(against.report))
            writer.raw("against", other.finish())
        }
        return writer.finish()
    }

    private static func time(_ date: Date) -> String {
        RFC3339.format(date, timeZone: TimeZone(secondsFromGMT: 0)!)
    }

    private static func rules(_ report: BacktestReport) -> String {
        "["
            + report.rules.map { outcome in
                var writer = JSONObjectWriter()
                writer.string("rule", outcome.rule)
                writer.string("severity", outcome.severity.rawValue)
                var counts = JSONObjectWriter()
                for kind in [AlertNotification.Kind.firing, .resolved, .flapping, .repeat] {
                    counts.number(kind.rawValue, Double(outcome.notifications[kind] ?? 0))
                }
                writer.raw("notifications", counts.finish())
                writer.number("firing_seconds", (outcome.firingSeconds * 1000).rounded() / 1000)
                return writer.finish()
            }.joined(separator: ",") + "]"
    }

    private static func incidents(_ report: BacktestReport) -> String {
        "["
            + report.incidents.map { outcome in
                var writer = JSONObjectWriter()
                writer.string("kind", outcome.incident.kind)
                writer.string("at", time(outcome.incident.time))
                var labels = JSONObjectWriter()
                for pair in outcome.incident.labels.pairs { labels.string(pair.name, pair.value) }
                writer.raw("labels", labels.finish())
                writer.string("detail", outcome.incident.detail)
                let warnings = outcome.warnedBy.map { warning in
                    var entry = JSONObjectWriter()
                    entry.string("rule", warning.rule)
                    entry.string("severity", warning.severity.rawValue)
                    entry.number("lead_seconds", (warning.leadSeconds * 1000).rounded() / 1000)
                    return entry.finish()
                }
                writer.raw("warned_by", "[" + warnings.joined(separator: ",") + "]")
                return writer.finish()
            }.joined(separator: ",") + "]"
    }
}
