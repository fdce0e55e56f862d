import HeadroomCollectors
import HeadroomCore
import HeadroomNotify

/// Renders the effective configuration as YAML for `headroom config show`. The output
/// loads back to an equal configuration (`default_rules: false` plus every effective rule).
/// Secret values (webhook keys, passwords, once channels have them) render as `<secret>`.
public enum ConfigurationRenderer {
    public static func yaml(_ configuration: HeadroomConfiguration) -> String {
        var lines: [String] = []
        lines.append("interval: \(duration(configuration.interval))")
        if let hostname = configuration.hostname { lines.append("hostname: \(quote(hostname))") }
        let collectors = configuration.collectors
        lines.append("collectors:")
        lines.append("  root: \(quote(collectors.root))")
        lines.append("  timeout: \(duration(collectors.timeout))")
        lines.append("  disabled: [\(collectors.disabled.sorted().map(quote).joined(separator: ", "))]")
        if let path = collectors.cgroupPath { lines.append("  cgroup_path: \(quote(path))") }
        let policy = configuration.policy
        lines.append("alerting:")
        lines.append("  repeat_interval: \(duration(policy.repeatInterval))")
        lines.append("  inhibit: \(policy.inhibit)")
        lines.append("  stale_after: \(duration(policy.staleAfter))")
        lines.append("  flapping: {window: \(duration(policy.flapWindow)), max_changes: \(policy.flapMaxChanges)}")
        lines.append("default_rules: false   # the effective rules are all listed below")
        lines.append(configuration.rules.isEmpty ? "rules: []" : "rules:")
        for rule in configuration.rules { lines.append("  - " + self.rule(rule)) }
        lines.append(configuration.channels.isEmpty ? "channels: []" : "channels:")
        for channel in configuration.channels { lines.append("  - " + self.channel(channel)) }
        lines.append("log: {level: \(configuration.log.level.rawValue), format: \(configuration.log.format.rawValue)}")
        return lines.joined(separator: "\n") + "\n"
    }

    static func rule(_ rule: AlertRule) -> String {
        var fields: [String] = ["name: \(quote(rule.name))", "metric: \(quote(selector(rule.selector)))"]
        switch rule.condition {
        case .above(let value): fields.append("above: \(number(value))")
        case .atLeast(let value): fields.append("at_least: \(number(value))")
        case .below(let value): fields.append("below: \(number(value))")
        case .atMost(let value): fields.append("at_most: \(number(value))")
        case .increases: fields.append("increases: true")
        case .trend(let trend):
            let capacity: String = switch trend.capacity {
            case .fixed(let value): "capacity: \(number(value))"
            case .metric(let name): "capacity_metric: \(quote(name))"
            }
            fields.append("trend: {\(capacity), window: \(duration(trend.window)), exhaustion_within: \(duration(trend.exhaustionWithin)), min_r2: \(number(trend.minimumR2)), min_samples: \(trend.minimumSamples)}")
        }
        switch rule.hold {
        case .immediately: break
        case .duration(let value): fields.append("for: \(duration(value))")
        case .consecutiveSamples(let count): fields.append("samples: \(count)")
        case .within(let count, let of): fields.append("within: {samples: \(count), of: \(of)}")
        }
        if let clear = rule.clear { fields.append("clear: \(number(clear))") }
        if rule.keepFiringFor > .zero { fields.append("keep_firing_for: \(duration(rule.keepFiringFor))") }
        fields.append("severity: \(rule.severity.rawValue)")
        fields.append("family: \(quote(rule.family))")
        if let summary = rule.summary { fields.append("summary: \(quote(summary))") }
        return "{" + fields.joined(separator: ", ") + "}"
    }

    static func channel(_ channel: ChannelConfiguration) -> String {
        var fields = ["type: \(channel.settings.type)", "name: \(quote(channel.name))", "enabled: \(channel.enabled)",
                      "min_severity: \(channel.minimumSeverity.rawValue)", "send_resolved: \(channel.sendResolved)"]
        switch channel.settings {
        case .console(let console):
            fields.append("stream: \(console.stream.rawValue)")
            fields.append("color: \(console.color.rawValue)")
        case .jsonlog(let jsonlog):
            if let path = jsonlog.path { fields.append("path: \(quote(path))") }
        }
        return "{" + fields.joined(separator: ", ") + "}"
    }

    static func selector(_ selector: MetricSelector) -> String {
        selector.matchers.isEmpty ? selector.metric
            : selector.metric + "{" + selector.matchers.map { "\($0.label)\($0.operation.rawValue)\"\($0.value)\"" }.joined(separator: ",") + "}"
    }

    /// Milliseconds keep the value exact (`1500ms`); whole units read better.
    static func duration(_ value: Duration) -> String {
        let milliseconds = Int64((value.headroomSeconds * 1000).rounded())
        if milliseconds == 0 { return "0s" }
        if milliseconds % 3_600_000 == 0 { return "\(milliseconds / 3_600_000)h" }
        if milliseconds % 60_000 == 0 { return "\(milliseconds / 60_000)m" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        return "\(milliseconds)ms"
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }

    /// A double-quoted YAML string (JSON escaping is valid YAML).
    static func quote(_ text: String) -> String { JSONText.quote(text) }
}
