import HeadroomConfigSyntax

/// The built-in rules, written in the YAML users write and loaded through the same decoder.
enum BuiltinRules {
    /// Where problems in built-in values are reported from (only environment overrides can
    /// cause them, and those report the variable).
    static let origin = "built-in rules"

    /// Always present: `default_rules: false` keeps it (it can still be replaced by name or
    /// switched off with `enabled: false`). It comes first in the effective list so that
    /// `headroom config show`, which lists every rule, loads back in the same order.
    static let alwaysOnYAML = """
        - {name: collector_failed, metric: collector_up, below: 1, severity: warning, family: collector, summary: "collector {label:collector} failed: {detail}"}
        - {name: collector_stalled, metric: collector_stalled, at_least: 1, severity: critical, family: collector, summary: "collector {label:collector} is stalled: {detail}; its metrics are absent until it returns"}
        - {name: series_limit_reached, metric: series_limit_reached, at_least: 1, keep_firing_for: 5m, severity: warning, summary: "headroom tracks limits.max_series series and refuses new ones ({detail}; counted in headroom_series_dropped_total): raise limits.max_series, or find the label that churns"}
        - {name: history_write_failed, metric: history_write_failed, at_least: 1, severity: warning, summary: "cannot write the history to {detail}; sampling and alerting go on, the history has a gap: free space, fix the path's permissions, or set history.path"}
        - {name: alert_state_save_failed, metric: alert_state_save_failing, at_least: 1, severity: warning, summary: "cannot save the alert state ({detail}); alerting goes on, but a restart now would fire active alerts again and miss their resolved: free space, or fix state_dir's permissions"}
        """

    /// The default set, dropped by `default_rules: false`. Summaries are left to the
    /// core's wording, which already names the series, value, threshold and duration.
    static let defaultsYAML = """
        - {name: gpu_memory_high, metric: gpu_memory_used_percent, at_least: 80, for: 10s, clear: 75, severity: warning, family: gpu_memory}
        - {name: gpu_memory_critical, metric: gpu_memory_used_percent, at_least: 95, severity: critical, family: gpu_memory, gate: true}
        - {name: cpu_overload, metric: cpu_used_percent, above: 90, samples: 3, clear: 80, severity: warning}
        - {name: memory_high, metric: memory_used_percent, at_least: 90, for: 1m, clear: 85, severity: warning, family: memory}
        - {name: memory_critical, metric: memory_used_percent, at_least: 97, samples: 2, clear: 93, severity: critical, family: memory}
        - {name: container_memory_high, metric: container_memory_used_percent, at_least: 90, for: 30s, clear: 85, severity: warning, family: container_memory}
        - {name: container_memory_critical, metric: container_memory_used_percent, at_least: 97, severity: critical, family: container_memory, gate: true}
        - {name: container_oom_kill, metric: container_oom_kills_total, increases: true, keep_firing_for: 5m, severity: critical}
        - {name: container_cpu_throttled, metric: container_cpu_throttled_percent, above: 25, for: 1m, clear: 10, severity: warning}
        - {name: memory_pressure, metric: 'pressure_avg10_percent{resource="memory",kind="some"}', above: 20, for: 30s, clear: 10, severity: warning}
        - {name: memory_pressure_stall, metric: 'pressure_avg10_percent{resource="memory",kind="full"}', above: 10, for: 30s, clear: 5, severity: critical}
        - {name: gpu_lost, metric: gpu_up, below: 1, severity: critical, summary: "GPU {label:gpu} {label:name} ({label:pci_bus_id}) stopped answering: {detail}"}
        - {name: gpu_driver_failed, metric: gpu_driver_up, below: 1, severity: critical, summary: "{label:vendor} GPU driver unusable: {detail}"}
        - {name: gpu_temperature_near_slowdown, metric: gpu_temperature_slowdown_margin_celsius, at_most: 5, for: 30s, clear: 8, severity: warning, summary: "GPU {label:gpu} {label:name} is {value} °C below its slowdown temperature (held {for}); clocks will drop"}
        - {name: gpu_thermal_throttling, metric: 'gpu_clock_event_active{class="thermal"}', at_least: 1, for: 30s, severity: warning, summary: "GPU {label:gpu} {label:name} clocks held down by {label:reason} for {for}"}
        - {name: gpu_power_throttling, metric: 'gpu_clock_event_active{class="power"}', at_least: 1, for: 30s, severity: warning, summary: "GPU {label:gpu} {label:name} clocks held down by {label:reason} for {for}"}
        - {name: gpu_hardware_slowdown, metric: 'gpu_clock_event_active{class="hardware"}', at_least: 1, for: 30s, severity: warning, summary: "GPU {label:gpu} {label:name} in hardware slowdown (temperature or power brake) for {for}"}
        - {name: gpu_xid_hardware, metric: 'gpu_xid_errors_total{class="hardware"}', increases: true, keep_firing_for: 10m, severity: critical, summary: "GPU {label:gpu} {label:name} ({label:pci_bus_id}) reported {detail}: a board, memory, bus or firmware fault"}
        - {name: gpu_xid_application, metric: 'gpu_xid_errors_total{class="application"}', increases: true, keep_firing_for: 5m, severity: warning, summary: "GPU {label:gpu} {label:name} reported {detail}: usually the application's fault (a kernel crashed)"}
        - {name: gpu_ecc_uncorrectable, metric: 'gpu_ecc_errors_total{type="uncorrected"}', increases: true, keep_firing_for: 1h, severity: critical, summary: "GPU {label:gpu} {label:name} had uncorrectable ECC errors (now {value} since the driver loaded)"}
        - {name: gpu_row_remap_failed, metric: gpu_row_remap_failed, at_least: 1, severity: critical, summary: "GPU {label:gpu} {label:name} ({label:pci_bus_id}) could not remap a failing memory row: the board needs service"}
        - {name: gpu_memory_leak, metric: gpu_memory_used_bytes, trend: {capacity_metric: gpu_memory_total_bytes, window: 10m, exhaustion_within: 30m, min_r2: 0.8}, severity: warning}
        - {name: gpu_process_memory_leak, metric: gpu_process_memory_used_bytes, trend: {capacity_metric: gpu_memory_total_bytes, window: 10m, exhaustion_within: 30m, min_r2: 0.8}, severity: warning}
        - {name: memory_leak, metric: memory_used_bytes, trend: {capacity_metric: memory_total_bytes, window: 10m, exhaustion_within: 30m, min_r2: 0.8}, severity: warning}
        - {name: container_memory_leak, metric: container_memory_working_set_bytes, trend: {capacity_metric: container_memory_limit_bytes, window: 10m, exhaustion_within: 30m, min_r2: 0.8}, severity: warning}
        - {name: child_crashed, metric: child_crashes_total, increases: true, keep_firing_for: 5m, severity: critical, summary: "{label:command} {detail}"}
        - {name: child_cuda_out_of_memory, metric: child_cuda_oom_total, increases: true, keep_firing_for: 5m, severity: critical, summary: "{label:command} ran out of GPU memory: {detail}"}
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
