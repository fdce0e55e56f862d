import HeadroomNotify
import Foundation
import HeadroomCore

/// Renders `headroom check` results: Nagios text with perfdata, or JSON.
struct CheckReport {
    let status: InstantCheck.Status
    let findings: [InstantCheck.Finding]
    let samples: [Sample]
    let rules: [AlertRule]

    /// Metrics reported as perfdata, when present.
    static let perfdataMetrics = [
        "cpu_used_percent", "cpu_iowait_percent", "memory_used_percent", "swap_used_percent", "load1",
        "container_memory_used_percent", "container_cpu_used_percent", "gpu_memory_used_percent",
    ]

    /// `HEADROOM WARNING - cpu_overload: cpu_used_percent 95.2% > 90.0% | 'cpu_used_percent'=95.2%;90;;0;100 …`
    var text: String {
        var head = "HEADROOM \(status)"
        if findings.isEmpty {
            head += " - no rule breached"
            let summary = ["cpu_used_percent", "memory_used_percent", "container_memory_used_percent"].compactMap { name in
                samples.first { $0.name == name }.map { "\(short(name)) \(MessageFormat.value($0.value, metric: name))" }
            }
            if !summary.isEmpty { head += " (" + summary.joined(separator: ", ") + ")" }
        } else {
            head += " - " + findings.map(describe).joined(separator: "; ")
        }
        let perf = perfdata
        return perf.isEmpty ? head : head + " | " + perf.joined(separator: " ")
    }

    var json: String {
        var parts: [String] = []
        parts.append("\"status\":\"\(status)\"")
        parts.append("\"exit_code\":\(status.rawValue)")
        let items = findings.map { finding in
            "{\"rule\":\(quote(finding.rule.name)),\"severity\":\"\(finding.rule.severity.rawValue)\","
                + "\"metric\":\(quote(finding.series.name)),\"labels\":{"
                + finding.series.labels.pairs.map { "\(quote($0.name)):\(quote($0.value))" }.joined(separator: ",")
                + "},\"value\":\(number(finding.value)),\"threshold\":\(finding.rule.condition.threshold.map(number) ?? "null"),"
                + "\"summary\":\(quote(describe(finding)))}"
        }
        parts.append("\"findings\":[" + items.joined(separator: ",") + "]")
        let metrics = Self.perfdataMetrics.compactMap { name in
            samples.first { $0.name == name && $0.labels.isEmpty || $0.name == name && name.hasPrefix("container_") }
                .map { "\(quote(name)):\(number($0.value))" }
        }
        parts.append("\"metrics\":{" + metrics.joined(separator: ",") + "}")
        return "{" + parts.joined(separator: ",") + "}"
    }

    private func describe(_ finding: InstantCheck.Finding) -> String {
        let name = finding.series.name
        var text = "\(finding.rule.name): \(name)\(finding.series.labels.shown) \(MessageFormat.value(finding.value, metric: name))"
        if let threshold = finding.rule.condition.threshold {
            text += " \(finding.rule.condition.symbol) \(MessageFormat.value(threshold, metric: name))"
        }
        if let detail = finding.detail, !detail.isEmpty { text += " (\(detail))" }
        return text
    }

    private var perfdata: [String] {
        var out: [String] = []
        for name in Self.perfdataMetrics {
            for sample in samples where sample.name == name {
                let unit = name.hasSuffix("_percent") ? "%" : ""
                let warn = threshold(name, .warning)
                let crit = threshold(name, .critical)
                // A GPU's by its index (`gpu_memory_used_percent_0`): its model and UUID are in the JSON form.
                let shown = sample.labels.shown
                let label = shown.isEmpty || name.hasPrefix("container_") ? name : name + "_" + shown.pairs.map(\.value).joined(separator: "_")
                let bounds = unit == "%" ? "0;100" : "0;"
                out.append("'\(label)'=\(MessageFormat.number(sample.value, decimals: 2))\(unit);\(warn);\(crit);\(bounds)")
            }
        }
        return out
    }

    private func threshold(_ metric: String, _ severity: Severity) -> String {
        rules.first { $0.selector.metric == metric && $0.selector.matchers.isEmpty && $0.severity == severity }?
            .condition.threshold.map { MessageFormat.number($0, decimals: $0 == $0.rounded() ? 0 : 2) } ?? ""
    }

    private func short(_ name: String) -> String {
        name.replacingOccurrences(of: "_used_percent", with: "")
    }

    private func quote(_ text: String) -> String { JSONText.quote(text) }

    private func number(_ value: Double) -> String {
        value.isFinite ? MessageFormat.number(value, decimals: value == value.rounded() ? 0 : 3) : "null"
    }
}
