import HeadroomCollectors
import HeadroomConfig
import HeadroomConfigSyntax
import HeadroomCore
import HeadroomNotify
import Testing

@Suite("Effective rules")
struct RuleListTests {
    static let builtinNames = BuiltinRulesTests.expected.map(\.name)

    @Test("default_rules: false keeps only the always-on rules, then the file's rules")
    func withoutDefaults() throws {
        #expect(
            try configuration("default_rules: false").rules.map(\.name) == [
                "collector_failed", "collector_stalled", "series_limit_reached", "history_write_failed", "alert_state_save_failed",
            ])
        let rules = try configuration("default_rules: false\nrules:\n  - {name: b, metric: m, above: 1}\n  - {name: a, metric: m, above: 2}").rules
        #expect(
            rules.map(\.name) == ["collector_failed", "collector_stalled", "series_limit_reached", "history_write_failed", "alert_state_save_failed", "b", "a"])
    }

    @Test("a file rule with a built-in's name replaces it in place; others are appended in file order")
    func replaceInPlace() throws {
        let rules = try configuration(
            """
            rules:
              - {name: zeta, metric: m, above: 1}
              - {name: memory_high, metric: memory_used_percent, at_least: 80, severity: critical}
              - {name: alpha, metric: m, below: 1}
            """
        ).rules
        #expect(rules.map(\.name) == Self.builtinNames + ["zeta", "alpha"])
        let replaced = try #require(rules.first { $0.name == "memory_high" })
        #expect(replaced == AlertRule(name: "memory_high", selector: MetricSelector("memory_used_percent"), condition: .atLeast(80), severity: .critical))
    }

    @Test("enabled: false drops a built-in or a rule of the file")
    func disabled() throws {
        let rules = try configuration(
            """
            rules:
              - {name: memory_leak, enabled: false}
              - {name: mine, metric: m, above: 1, enabled: false}
              - {name: other, metric: m, above: 1, enabled: true}
            """
        ).rules
        #expect(rules.map(\.name) == Self.builtinNames.filter { $0 != "memory_leak" } + ["other"])
    }

    @Test("a disabled rule is not validated beyond its keys")
    func disabledNotValidated() {
        #expect(throws: Never.self) { try configuration("rules:\n  - {name: mine, metric: 'bad{', above: x, enabled: false}") }
        let found = issues("rules:\n  - {name: mine, enabled: false, bogus: 1}")
        #expect(found.map(\.path) == ["rules[0].bogus"])
    }

    @Test("collector_failed survives default_rules: false and can be replaced or switched off")
    func alwaysOn() throws {
        let replaced = try configuration("default_rules: false\nrules:\n  - {name: collector_failed, metric: collector_up, below: 1, severity: critical}").rules
        #expect(replaced.map(\.name) == ["collector_failed", "collector_stalled", "series_limit_reached", "history_write_failed", "alert_state_save_failed"])
        #expect(replaced.first?.severity == .critical)
        #expect(replaced.first?.summary == nil)
        let off = try load(
            "default_rules: false\nrules:\n  - {name: collector_failed, enabled: false}\n  - {name: collector_stalled, enabled: false}\n"
                + "  - {name: series_limit_reached, enabled: false}\n  - {name: history_write_failed, enabled: false}\n"
                + "  - {name: alert_state_save_failed, enabled: false}")
        #expect(off.configuration.rules.isEmpty)
        #expect(off.warnings.isEmpty)
    }

    @Test("switching off a default rule while default_rules is false warns that it does nothing")
    func switchOffWithoutDefaults() throws {
        let loaded = try load("default_rules: false\nrules:\n  - {name: memory_leak, enabled: false}")
        #expect(loaded.warnings.first?.message == "switches nothing off: default_rules is false, so the built-in rule memory_leak is not loaded anyway")
    }
}
