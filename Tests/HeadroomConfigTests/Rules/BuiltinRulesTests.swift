import HeadroomCollectors
import HeadroomConfig
import HeadroomCore
import HeadroomNotify
import Testing

@Suite("Built-in rules")
struct BuiltinRulesTests {
    static let pressureSome = MetricSelector("pressure_avg10_percent", [.init("resource", .equal, "memory"), .init("kind", .equal, "some")])
    static let pressureFull = MetricSelector("pressure_avg10_percent", [.init("resource", .equal, "memory"), .init("kind", .equal, "full")])

    static func gpuSelector(_ metric: String, _ label: String, _ value: String) -> MetricSelector {
        MetricSelector(metric, [.init(label, .equal, value)])
    }
    static let gpuTrend = TrendCondition(
        capacity: .metric("gpu_memory_total_bytes"), window: .seconds(600),
        exhaustionWithin: .seconds(1800), minimumR2: 0.8)

    /// The always-on rules first, then the default set in the documented order.
    static let expected: [AlertRule] = [
        AlertRule(
            name: "collector_failed", selector: MetricSelector("collector_up"), condition: .below(1), severity: .warning,
            family: "collector", summary: "collector {label:collector} failed: {detail}"),
        AlertRule(
            name: "collector_stalled", selector: MetricSelector("collector_stalled"), condition: .atLeast(1), severity: .critical,
            family: "collector", summary: "collector {label:collector} is stalled: {detail}; its metrics are absent until it returns"),
        AlertRule(
            name: "series_limit_reached", selector: MetricSelector("series_limit_reached"), condition: .atLeast(1),
            keepFiringFor: .seconds(300), severity: .warning,
            summary:
                "headroom tracks limits.max_series series and refuses new ones ({detail}; counted in headroom_series_dropped_total): raise limits.max_series, or find the label that churns"
        ),
        AlertRule(
            name: "history_write_failed", selector: MetricSelector("history_write_failed"), condition: .atLeast(1), severity: .warning,
            summary:
                "cannot write the history to {detail}; sampling and alerting go on, the history has a gap: free space, fix the path's permissions, or set history.path"
        ),
        AlertRule(
            name: "alert_state_save_failed", selector: MetricSelector("alert_state_save_failing"), condition: .atLeast(1), severity: .warning,
            summary:
                "cannot save the alert state ({detail}); alerting goes on, but a restart now would fire active alerts again and miss their resolved: free space, or fix state_dir's permissions"
        ),
        AlertRule(
            name: "gpu_memory_high", selector: MetricSelector("gpu_memory_used_percent"), condition: .atLeast(80),
            hold: .duration(.seconds(10)), clear: 75, severity: .warning, family: "gpu_memory"),
        AlertRule(
            name: "gpu_memory_critical", selector: MetricSelector("gpu_memory_used_percent"), condition: .atLeast(95),
            severity: .critical, family: "gpu_memory", gate: true),
        AlertRule(
            name: "cpu_overload", selector: MetricSelector("cpu_used_percent"), condition: .above(90),
            hold: .consecutiveSamples(3), clear: 80, severity: .warning),
        AlertRule(
            name: "memory_high", selector: MetricSelector("memory_used_percent"), condition: .atLeast(90),
            hold: .duration(.seconds(60)), clear: 85, severity: .warning, family: "memory"),
        AlertRule(
            name: "memory_critical", selector: MetricSelector("memory_used_percent"), condition: .atLeast(97),
            hold: .consecutiveSamples(2), clear: 93, severity: .critical, family: "memory"),
        AlertRule(
            name: "container_memory_high", selector: MetricSelector("container_memory_used_percent"), condition: .atLeast(90),
            hold: .duration(.seconds(30)), clear: 85, severity: .warning, family: "container_memory"),
        AlertRule(
            name: "container_memory_critical", selector: MetricSelector("container_memory_used_percent"), condition: .atLeast(97),
            severity: .critical, family: "container_memory", gate: true),
        // Held for 5 minutes after the kill, so the page is not resolved one sample later.
        AlertRule(
            name: "container_oom_kill", selector: MetricSelector("container_oom_kills_total"), condition: .increases,
            keepFiringFor: .seconds(300), severity: .critical),
        AlertRule(
            name: "container_cpu_throttled", selector: MetricSelector("container_cpu_throttled_percent"), condition: .above(25),
            hold: .duration(.seconds(60)), clear: 10, severity: .warning),
        AlertRule(
            name: "memory_pressure", selector: pressureSome, condition: .above(20),
            hold: .duration(.seconds(30)), clear: 10, severity: .warning),
        AlertRule(
            name: "memory_pressure_stall", selector: pressureFull, condition: .above(10),
            hold: .duration(.seconds(30)), clear: 5, severity: .critical),
        AlertRule(
            name: "gpu_lost", selector: MetricSelector("gpu_up"), condition: .below(1), severity: .critical,
            summary: "GPU {label:gpu} {label:name} ({label:pci_bus_id}) stopped answering: {detail}"),
        AlertRule(
            name: "gpu_driver_failed", selector: MetricSelector("gpu_driver_up"), condition: .below(1), severity: .critical,
            summary: "{label:vendor} GPU driver unusable: {detail}"),
        AlertRule(
            name: "gpu_temperature_near_slowdown", selector: MetricSelector("gpu_temperature_slowdown_margin_celsius"),
            condition: .atMost(5), hold: .duration(.seconds(30)), clear: 8, severity: .warning,
            summary: "GPU {label:gpu} {label:name} is {value} °C below its slowdown temperature (held {for}); clocks will drop"),
        AlertRule(
            name: "gpu_thermal_throttling", selector: gpuSelector("gpu_clock_event_active", "class", "thermal"), condition: .atLeast(1),
            hold: .duration(.seconds(30)), severity: .warning, summary: "GPU {label:gpu} {label:name} clocks held down by {label:reason} for {for}"),
        AlertRule(
            name: "gpu_power_throttling", selector: gpuSelector("gpu_clock_event_active", "class", "power"), condition: .atLeast(1),
            hold: .duration(.seconds(30)), severity: .warning, summary: "GPU {label:gpu} {label:name} clocks held down by {label:reason} for {for}"),
        AlertRule(
            name: "gpu_hardware_slowdown", selector: gpuSelector("gpu_clock_event_active", "class", "hardware"), condition: .atLeast(1),
            hold: .duration(.seconds(30)), severity: .warning,
            summary: "GPU {label:gpu} {label:name} in hardware slowdown (temperature or power brake) for {for}"),
        AlertRule(
            name: "gpu_xid_hardware", selector: gpuSelector("gpu_xid_errors_total", "class", "hardware"), condition: .increases,
            keepFiringFor: .seconds(600), severity: .critical,
            summary: "GPU {label:gpu} {label:name} ({label:pci_bus_id}) reported {detail}: a board, memory, bus or firmware fault"),
        AlertRule(
            name: "gpu_xid_application", selector: gpuSelector("gpu_xid_errors_total", "class", "application"), condition: .increases,
            keepFiringFor: .seconds(300), severity: .warning,
            summary: "GPU {label:gpu} {label:name} reported {detail}: usually the application's fault (a kernel crashed)"),
        AlertRule(
            name: "gpu_ecc_uncorrectable", selector: gpuSelector("gpu_ecc_errors_total", "type", "uncorrected"), condition: .increases,
            keepFiringFor: .seconds(3600), severity: .critical,
            summary: "GPU {label:gpu} {label:name} had uncorrectable ECC errors (now {value} since the driver loaded)"),
        AlertRule(
            name: "gpu_row_remap_failed", selector: MetricSelector("gpu_row_remap_failed"), condition: .atLeast(1), severity: .critical,
            summary: "GPU {label:gpu} {label:name} ({label:pci_bus_id}) could not remap a failing memory row: the board needs service"),
        AlertRule(name: "gpu_memory_leak", selector: MetricSelector("gpu_memory_used_bytes"), condition: .trend(gpuTrend), severity: .warning),
        AlertRule(
            name: "gpu_process_memory_leak", selector: MetricSelector("gpu_process_memory_used_bytes"), condition: .trend(gpuTrend),
            severity: .warning),
        AlertRule(
            name: "memory_leak", selector: MetricSelector("memory_used_bytes"),
            condition: .trend(TrendCondition(capacity: .metric("memory_total_bytes"), window: .seconds(600), exhaustionWithin: .seconds(1800), minimumR2: 0.8)),
            severity: .warning),
        AlertRule(
            name: "container_memory_leak", selector: MetricSelector("container_memory_working_set_bytes"),
            condition: .trend(
                TrendCondition(capacity: .metric("container_memory_limit_bytes"), window: .seconds(600), exhaustionWithin: .seconds(1800), minimumR2: 0.8)),
            severity: .warning),
        // Entrypoint mode: the supervised child crashed (exit code or signal, last stderr lines).
        AlertRule(
            name: "child_crashed", selector: MetricSelector("child_crashes_total"), condition: .increases,
            keepFiringFor: .seconds(300), severity: .critical, summary: "{label:command} {detail}"),
        AlertRule(
            name: "child_cuda_out_of_memory", selector: MetricSelector("child_cuda_oom_total"), condition: .increases,
            keepFiringFor: .seconds(300), severity: .critical, summary: "{label:command} ran out of GPU memory: {detail}"),
    ]

    @Test("the effective rules of the default configuration are exactly the built-ins, in order")
    func exactList() throws {
        let rules = try configuration(nil).rules
        #expect(rules.map(\.name) == Self.expected.map(\.name))
        for (actual, expected) in zip(rules, Self.expected) {
            #expect(actual == expected)
        }
    }

    @Test("every default rule can be switched off by name", arguments: expected.dropFirst(3).map(\.name))
    func switchOff(name: String) throws {
        let loaded = try load("rules:\n  - {name: \(name), enabled: false}\n")
        #expect(loaded.warnings.isEmpty)
        #expect(loaded.configuration.rules.map(\.name) == Self.expected.map(\.name).filter { $0 != name })
    }
}
