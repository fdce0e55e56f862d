/// The built-in rules, written in the YAML users write and loaded through the same decoder.
enum BuiltinRules {
    /// Where problems in built-in values are reported from (only environment overrides can
    /// cause them, and those report the variable).
    static let origin = "built-in rules"

    /// Always present: `default_rules: false` keeps it (it can still be replaced by name or
    /// switched off with `enabled: false`). It comes first in the effective list so that
    /// `headroom config show`, which lists every rule, loads back in the same order.
    static let alwaysOnYAML = """
        - {name: collector_failed, metric: collector_up, below: 1, severity: warning, summary: "collector {label:collector} failed: {detail}"}
        """

    /// The default set, dropped by `default_rules: false`. Summaries are left to the
    /// core's wording, which already names the series, value, threshold and duration.
    static let defaultsYAML = """
        - {name: gpu_memory_high, metric: gpu_memory_used_percent, at_least: 80, for: 10s, clear: 75, severity: warning, family: gpu_memory}
        - {name: gpu_memory_critical, metric: gpu_memory_used_percent, at_least: 95, severity: critical, family: gpu_memory}
        - {name: cpu_overload, metric: cpu_used_percent, above: 90, samples: 3, clear: 80, severity: warning}
        - {name: memory_high, metric: memory_used_percent, at_least: 90, for: 1m, clear: 85, severity: warning, family: memory}
        - {name: memory_critical, metric: memory_used_percent, at_least: 97, samples: 2, clear: 93, severity: critical, family: memory}
        - {name: container_memory_high, metric: container_memory_used_percent, at_least: 90, for: 30s, clear: 85, severity: warning, family: container_memory}
        - {name: container_memory_critical, metric: container_memory_used_percent, at_least: 97, severity: critical, family: container_memory}
        - {name: container_oom_kill, metric: container_oom_kills_total, increases: true, keep_firing_for: 5m, severity: critical}
        - {name: container_cpu_throttled, metric: container_cpu_throttled_percent, above: 25, for: 1m, clear: 10, severity: warning}
        - {name: memory_pressure, metric: 'pressure_avg10_percent{resource="memory",kind="some"}', above: 20, for: 30s, clear: 10, severity: warning}
        - {name: memory_pressure_stall, metric: 'pressure_avg10_percent{resource="memory",kind="full"}', above: 10, for: 30s, clear: 5, severity: critical}
        - {name: memory_leak, metric: memory_used_bytes, trend: {capacity_metric: memory_total_bytes, window: 10m, exhaustion_within: 30m, min_r2: 0.8}, severity: warning}
        - {name: container_memory_leak, metric: container_memory_working_set_bytes, trend: {capacity_metric: container_memory_limit_bytes, window: 10m, exhaustion_within: 30m, min_r2: 0.8}, severity: warning}
        """

    static let alwaysOn = entries(alwaysOnYAML)
    static let defaults = entries(defaultsYAML)

    /// The built-in entries in effective order: the always-on rule, then (unless
    /// `default_rules: false`) the default set.
    static func entries(includeDefaults: Bool) -> [ListEntry] {
        includeDefaults ? alwaysOn + defaults : alwaysOn
    }

    /// Every built-in rule name, always-on first.
    static var names: [String] { (alwaysOn + defaults).compactMap(\.name) }

    private static func entries(_ yaml: String) -> [ListEntry] {
        let mark = ConfigNode.Mark(origin: origin, line: nil, column: nil)
        guard case .success(.sequence(let items, _)) = YAMLParser.parse(yaml, origin: origin) else {
            preconditionFailure("the built-in rules are not a YAML list")
        }
        return items.map { item in
            let node = item.relabelled(mark)
            return ListEntry(node: node, path: "rules[\(node["name"]?.scalarText ?? "?")]", fileIndex: nil)
        }
    }
}
