import HeadroomCollectors
import HeadroomConfigSyntax
import HeadroomCore
import HeadroomNotify

/// Renders a configuration as YAML, for `headroom config show`.
///
/// The output loads back to an equal configuration: every key is written out, and the
/// effective rules are all listed under `default_rules: false` (with `enabled: false`
/// entries for always-on built-ins that are switched off). Secret values are written as
/// `<secret>`, so a configuration with secrets shows what is set without showing it.
public enum ConfigurationRenderer {
    /// What a secret value is rendered as.
    public static let redacted = Secret.redacted

    /// The configuration as block-style YAML.
    public static func yaml(_ configuration: HeadroomConfiguration) -> String {
        var out = YAMLLines()
        out.comment("The effective configuration: built-in rules merged, environment applied.")
        out.append("interval: \(YAMLText.duration(configuration.interval))")
        if let hostname = configuration.hostname { out.append("hostname: \(YAMLText.string(hostname))") }
        out.blank()

        let collectors = configuration.collectors
        out.append("collectors:")
        out.append("  root: \(YAMLText.string(collectors.root))")
        out.append("  timeout: \(YAMLText.duration(collectors.timeout))")
        // In the order the collectors run.
        let disabled = CollectorName.allCases.filter(collectors.disabled.contains)
        out.append("  disabled: [\(disabled.map { YAMLText.string($0.rawValue) }.joined(separator: ", "))]")
        if let path = collectors.cgroupPath { out.append("  cgroup_path: \(YAMLText.string(path))") }
        if let path = collectors.nvmlLibrary { out.append("  nvml_library: \(YAMLText.string(path))") }
        out.blank()

        let policy = configuration.policy
        out.append("alerting:")
        out.append("  repeat_interval: \(YAMLText.duration(policy.repeatInterval))")
        out.append("  inhibit: \(policy.inhibit)")
        out.append("  stale_after: \(YAMLText.duration(policy.staleAfter))")
        out.append("  flapping:")
        out.append("    window: \(YAMLText.duration(policy.flapWindow))")
        out.append("    max_changes: \(policy.flapMaxChanges)")
        out.blank()
        out.append("limits:")
        out.append("  max_series: \(policy.maxSeries)")
        out.blank()

        out.append("log:")
        out.append("  level: \(configuration.log.level.rawValue)")
        out.append("  format: \(configuration.log.format.rawValue)")
        out.blank()
        renderDelivery(configuration.delivery, into: &out)

        let server = configuration.server
        out.append("server:")
        out.append("  enabled: \(server.enabled)")
        out.append("  listen: \(YAMLText.string(server.listen.description))")
        if let token = server.token { out.secret("token", token, indent: "  ") }
        out.append("  insecure: \(server.insecure)")
        if let tls = server.tls {
            out.append("  tls:")
            out.append("    cert_file: \(YAMLText.string(tls.certificateFile))")
            out.append("    key_file: \(YAMLText.string(tls.keyFile))")
            if let file = tls.clientCAFile { out.append("    client_ca_file: \(YAMLText.string(file))") }
        }
        out.blank()

        let push = configuration.push
        out.append("push:")
        out.append("  enabled: \(push.enabled)")
        if !push.url.isEmpty { out.append("  url: \(YAMLText.string(push.url))") }
        out.append("  protocol: \(push.protocol.rawValue)")
        if let value = push.database { out.append("  database: \(YAMLText.string(value))") }
        if let value = push.org { out.append("  org: \(YAMLText.string(value))") }
        if let value = push.bucket { out.append("  bucket: \(YAMLText.string(value))") }
        if let value = push.token { out.append("  token: \(YAMLText.secret(value))") }
        out.append("  interval: \(YAMLText.duration(push.interval))")
        out.append("  batch_size: \(push.batchSize)")
        out.append("  buffer_size: \(push.bufferSize)")
        out.append("  gzip: \(push.gzip)")
        out.append("  timeout: \(YAMLText.duration(push.timeout))")
        push.tls.render(into: &out, indent: "  ")
        out.blank()

        let history = configuration.history
        out.append("history:")
        out.append("  enabled: \(history.enabled)")
        out.append("  retention: \(YAMLText.duration(history.retention))")
        out.append("  rollup_retention: \(YAMLText.duration(history.rollupRetention))")
        out.append("  max_bytes: \(HistorySettings.formatBytes(history.maxBytes))")
        out.append("  flush_interval: \(YAMLText.duration(history.flushInterval))")
        if let path = history.path { out.append("  path: \(YAMLText.string(path))") }
        out.blank()

        out.comment("Every effective rule is listed below, built-ins included.")
        out.append("default_rules: false")
        let present = Set(configuration.rules.map(\.name))
        let switchedOff = BuiltinRules.alwaysOn.compactMap(\.name).filter { !present.contains($0) }
        if configuration.rules.isEmpty && switchedOff.isEmpty {
            out.append("rules: []")
        } else {
            out.append("rules:")
            for name in switchedOff {
                out.append("  - name: \(YAMLText.string(name))")
                out.append("    enabled: false")
            }
            for rule in configuration.rules { render(rule, into: &out) }
        }
        out.blank()

        if configuration.channels.isEmpty {
            out.append("channels: []")
        } else {
            out.append("channels:")
            for channel in configuration.channels { render(channel, into: &out) }
        }
        return out.text
    }

    // MARK: - Entries

    private static func render(_ rule: AlertRule, into out: inout YAMLLines) {
        out.append("  - name: \(YAMLText.string(rule.name))")
        out.append("    metric: \(YAMLText.string(SelectorSyntax.format(rule.selector)))")
        switch rule.condition {
        case .above(let value): out.append("    above: \(YAMLText.number(value))")
        case .atLeast(let value): out.append("    at_least: \(YAMLText.number(value))")
        case .below(let value): out.append("    below: \(YAMLText.number(value))")
        case .atMost(let value): out.append("    at_most: \(YAMLText.number(value))")
        case .increases: out.append("    increases: true")
        case .trend(let trend):
            let capacity =
                switch trend.capacity {
                case .fixed(let value): "capacity: \(YAMLText.number(value))"
                case .metric(let name): "capacity_metric: \(YAMLText.string(name))"
                }
            let fields = [
                capacity,
                "window: \(YAMLText.duration(trend.window))",
                "exhaustion_within: \(YAMLText.duration(trend.exhaustionWithin))",
                "min_r2: \(YAMLText.number(trend.minimumR2))",
                "min_samples: \(trend.minimumSamples)",
            ]
            out.append("    trend: {\(fields.joined(separator: ", "))}")
        }
        switch rule.hold {
        case .immediately: break
        case .duration(let value): out.append("    for: \(YAMLText.duration(value))")
        case .consecutiveSamples(let count): out.append("    samples: \(count)")
        case .within(let count, let of): out.append("    within: {samples: \(count), of: \(of)}")
        }
        if let clear = rule.clear { out.append("    clear: \(YAMLText.number(clear))") }
        if rule.keepFiringFor > .zero { out.append("    keep_firing_for: \(YAMLText.duration(rule.keepFiringFor))") }
        out.append("    severity: \(rule.severity.rawValue)")
        out.append("    family: \(YAMLText.string(rule.family))")
        if let summary = rule.summary { out.append("    summary: \(YAMLText.quoted(summary))") }
        if rule.gate { out.append("    gate: true") }
    }
}
