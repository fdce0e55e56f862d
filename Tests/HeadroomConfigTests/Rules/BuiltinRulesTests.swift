import HeadroomCollectors
import HeadroomConfig
import HeadroomCore
import HeadroomNotify
import Testing

@Suite("Built-in rules")
struct BuiltinRulesTests {
    static let pressureSome = MetricSelector("pressure_avg10_percent", [.init("resource", .equal, "memory"), .init("kind", .equal, "some")])
    static let pressureFull = MetricSelector("pressure_avg10_percent", [.init("resource", .equal, "memory"), .init("kind", .equal, "full")])

    /// The always-on rule first, then the default set in the documented order.
    static let expected: [AlertRule] = [
        AlertRule(name: "collector_failed", selector: MetricSelector("collector_up"), condition: .below(1), severity: .warning,
                  summary: "collector {label:collector} failed: {detail}"),
        AlertRule(name: "gpu_memory_high", selector: MetricSelector("gpu_memory_used_percent"), condition: .atLeast(80),
                  hold: .duration(.seconds(10)), clear: 75, severity: .warning, family: "gpu_memory"),
        AlertRule(name: "gpu_memory_critical", selector: MetricSelector("gpu_memory_used_percent"), condition: .atLeast(95),
                  severity: .critical, family: "gpu_memory"),
        AlertRule(name: "cpu_overload", selector: MetricSelector("cpu_used_percent"), condition: .above(90),
                  hold: .consecutiveSamples(3), clear: 80, severity: .warning),
        AlertRule(name: "memory_high", selector: MetricSelector("memory_used_percent"), condition: .atLeast(90),
                  hold: .duration(.seconds(60)), clear: 85, severity: .warning, family: "memory"),
        AlertRule(name: "memory_critical", selector: MetricSelector("memory_used_percent"), condition: .atLeast(97),
                  hold: .consecutiveSamples(2), clear: 93, severity: .critical, family: "memory"),
        AlertRule(name: "container_memory_high", selector: MetricSelector("container_memory_used_percent"), condition: .atLeast(90),
                  hold: .duration(.seconds(30)), clear: 85, severity: .warning, family: "container_memory"),
        AlertRule(name: "container_memory_critical", selector: MetricSelector("container_memory_used_percent"), condition: .atLeast(97),
                  severity: .critical, family: "container_memory"),
        // Held for 5 minutes after the kill, so the page is not resolved one sample later.
        AlertRule(name: "container_oom_kill", selector: MetricSelector("container_oom_kills_total"), condition: .increases,
                  keepFiringFor: .seconds(300), severity: .critical),
        AlertRule(name: "container_cpu_throttled", selector: MetricSelector("container_cpu_throttled_percent"), condition: .above(25),
                  hold: .duration(.seconds(60)), clear: 10, severity: .warning),
        AlertRule(name: "memory_pressure", selector: pressureSome, condition: .above(20),
                  hold: .duration(.seconds(30)), clear: 10, severity: .warning),
        AlertRule(name: "memory_pressure_stall", selector: pressureFull, condition: .above(10),
                  hold: .duration(.seconds(30)), clear: 5, severity: .critical),
        AlertRule(name: "memory_leak", selector: MetricSelector("memory_used_bytes"),
                  condition: .trend(TrendCondition(capacity: .metric("memory_total_bytes"), window: .seconds(600), exhaustionWithin: .seconds(1800), minimumR2: 0.8)),
                  severity: .warning),
        AlertRule(name: "container_memory_leak", selector: MetricSelector("container_memory_working_set_bytes"),
                  condition: .trend(TrendCondition(capacity: .metric("container_memory_limit_bytes"), window: .seconds(600), exhaustionWithin: .seconds(1800), minimumR2: 0.8)),
                  severity: .warning),
    ]

    @Test("the effective rules of the default configuration are exactly the built-ins, in order")
    func exactList() throws {
        let rules = try configuration(nil).rules
        #expect(rules.map(\.name) == Self.expected.map(\.name))
        for (actual, expected) in zip(rules, Self.expected) {
            #expect(actual == expected)
        }
    }

    @Test("every default rule can be switched off by name", arguments: expected.dropFirst().map(\.name))
    func switchOff(name: String) throws {
        let loaded = try load("rules:\n  - {name: \(name), enabled: false}\n")
        #expect(loaded.warnings.isEmpty)
        #expect(loaded.configuration.rules.map(\.name) == Self.expected.map(\.name).filter { $0 != name })
    }
}
