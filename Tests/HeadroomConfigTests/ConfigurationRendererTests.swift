import HeadroomCollectors
import HeadroomConfig
import HeadroomCore
import HeadroomNotify
import Testing

@Suite("Rendering the effective configuration")
struct ConfigurationRendererTests {
    static let rich = #"""
        interval: 1500ms
        hostname: "gpu-01 \"east\"\tñ\u007F"
        collectors: {root: /host, timeout: 250ms, disabled: [pressure, load, nvidia], cgroup_path: /docker/x y, nvml_library: "/opt/nv idia/libnvidia-ml.so.1"}
        alerting: {repeat_interval: 1h30m, inhibit: false, stale_after: 61500ms, flapping: {window: 5m, max_changes: 0}}
        log: {level: warning, format: json}
        rules:
          - {name: memory_high, metric: memory_used_percent, at_least: 80.5, for: 45s, clear: 0.1, keep_firing_for: 2m, severity: critical}
          - {name: a, metric: 'x_percent{gpu="0",q!="say \"hi\", {ok}"}', labels: {host: h}, at_most: 5, within: {samples: 2, of: 4}, clear: 10, summary: "low: {value} \"quoted\" {label:gpu}\n"}
          - {name: b, metric: y_bytes, trend: {capacity: 1e12, window: 2m, exhaustion_within: 1h, min_r2: 0.55, min_samples: 3}, family: leaks}
          - {name: c, metric: z_total, increases: true, severity: info, family: "true"}
          - {name: d, metric: load1, above: -3, samples: 7}
          - {name: container_oom_kill, enabled: false}
        channels:
          - {type: console, color: never, min_severity: warning}
          - {type: jsonlog, name: audit, path: /tmp/a b.jsonl, send_resolved: false, enabled: false}
          - {type: console, stream: stderr}
          - type: jsonlog
        """#

    @Test(
        "renders YAML that loads back to an equal configuration",
        arguments: [
            (nil, [:]),
            ("default_rules: false", [:]),
            ("channels: []\nrules:\n  - {name: collector_failed, enabled: false}", [:]),
            (
                "default_rules: false\nrules:\n  - {name: collector_failed, metric: collector_up, below: 1, severity: critical}\n  - {name: x, metric: m, above: 1}",
                [:]
            ),
            ("rules:\n  - {name: Disk-Full, metric: disk_used_percent, above: 90}", [:]),
            (rich, [:]),
            (
                nil,
                [
                    "HEADROOM_CPU_WARN_PERCENT": "75", "HEADROOM_CHANNELS": "console,jsonlog", "HEADROOM_HOSTNAME": "null",
                    "HEADROOM_RULES_COLLECTOR_FAILED_ENABLED": "false", "HEADROOM_RULES_MEMORY_LEAK_TREND_CAPACITY_METRIC": "x_bytes",
                ]
            ),
        ] as [(String?, [String: String])])
    func roundTrip(yaml: String?, environment: [String: String]) throws {
        let original = try configuration(yaml, environment: environment)
        let rendered = ConfigurationRenderer.yaml(original)
        let reloaded = try load(rendered)
        #expect(reloaded.configuration == original, "\(rendered)")
        #expect(ConfigurationRenderer.yaml(reloaded.configuration) == rendered)
    }

    @Test("the default renders as readable block YAML listing every rule")
    func defaultShape() throws {
        let rendered = ConfigurationRenderer.yaml(try configuration(nil))
        let lines = rendered.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "# The effective configuration: built-in rules merged, environment applied.")
        #expect(lines.contains("interval: 5s"))
        #expect(lines.contains("default_rules: false"))
        #expect(!rendered.contains("hostname:"))
        #expect(lines.filter { $0.hasPrefix("  - name: ") }.count == BuiltinRulesTests.expected.count)
        #expect(
            rendered.contains(
                """
                  - name: cpu_overload
                    metric: cpu_used_percent
                    above: 90
                    samples: 3
                    clear: 80
                    severity: warning
                    family: cpu_used_percent
                """))
        #expect(rendered.contains("    metric: \"pressure_avg10_percent{resource=\\\"memory\\\",kind=\\\"some\\\"}\""))
        #expect(
            rendered.hasSuffix(
                """
                channels:
                  - type: console
                    name: console
                    enabled: true
                    min_severity: info
                    send_resolved: true
                    language: en
                    stream: stdout
                    color: auto

                """))
        #expect(!rendered.contains(ConfigurationRenderer.redacted))
    }

    @Test("a switched-off always-on rule is rendered as switched off")
    func switchedOffAlwaysOn() throws {
        let rendered = ConfigurationRenderer.yaml(try configuration("default_rules: false\nrules:\n  - {name: collector_failed, enabled: false}"))
        #expect(rendered.contains("rules:\n  - name: collector_failed\n    enabled: false\n"))
    }
}
