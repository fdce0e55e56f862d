import Foundation
import HeadroomCore

/// The human report of a backtest: a table of rules, then each incident and who warned of it.
enum BacktestText {
    static func render(_ report: BacktestReport, title: String, against: (config: String, report: BacktestReport)?) -> String {
        var out = ["Backtest \(RFC3339.format(report.from)) → \(RFC3339.format(report.to))", ""]
        out += section(report, title: title)
        if let against {
            out += [""] + section(against.report, title: against.config)
            out += ["", "LEAD TIME, \(title) → \(against.config)"]
            for (mine, theirs) in zip(report.incidents, against.report.incidents) {
                out.append("  \(RFC3339.format(mine.incident.time))  \(mine.incident.kind): \(lead(mine)) → \(lead(theirs))")
            }
            let count = { (report: BacktestReport) in report.rules.reduce(0) { $0 + ($1.notifications[.firing] ?? 0) } }
            out.append("  firing notifications: \(count(report)) → \(count(against.report))")
        }
        let missed = report.missed.count
        out += ["", missed == 0 ? "Every incident was warned of." : "\(missed) of \(report.incidents.count) incidents were not warned of."]
        return out.joined(separator: "\n")
    }

    private static func section(_ report: BacktestReport, title: String) -> [String] {
        var out = ["Rules (\(title))", pad(["RULE", "SEVERITY", "FIRING", "RESOLVED", "FLAPPING", "REPEAT", "TIME FIRING"])]
        for rule in report.rules where !rule.notifications.isEmpty || rule.firingSeconds > 0 {
            let counts = [AlertNotification.Kind.firing, .resolved, .flapping, .repeat].map { String(rule.notifications[$0] ?? 0) }
            out.append(pad([rule.rule, rule.severity.rawValue] + counts + [HumanDuration.format(seconds: rule.firingSeconds)]))
        }
        let quiet = report.rules.filter { $0.notifications.isEmpty && $0.firingSeconds == 0 }.count
        if quiet > 0 { out.append("  (\(quiet) more rules sent nothing)") }
        out += ["", "Incidents"]
        if report.incidents.isEmpty { out.append("  none in this range") }
        for outcome in report.incidents {
            let incident = outcome.incident
            var line = "  \(RFC3339.format(incident.time))  \(incident.kind)"
            if !incident.labels.isEmpty { line += "  \(incident.labels.shown)" }
            if !incident.detail.isEmpty { line += "  \(incident.detail)" }
            out.append(line)
            out.append("      " + lead(outcome))
        }
        return out
    }

    private static func lead(_ outcome: BacktestReport.IncidentOutcome) -> String {
        guard !outcome.warnedBy.isEmpty else { return "NOT WARNED" }
        return "warned by "
            + outcome.warnedBy.map { "\($0.rule) (\($0.severity.rawValue)) \(HumanDuration.format(seconds: $0.leadSeconds)) before" }
            .joined(separator: ", ")
    }

    private static func pad(_ columns: [String]) -> String {
        let widths = [30, 9, 7, 9, 9, 7, 0]
        return "  "
            + zip(columns, widths).map { text, width in
                width == 0 || text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
            }.joined()
    }
}
