import HeadroomCollectors
import HeadroomConfig
import HeadroomCore
import HeadroomNotify
import Testing

/// Loads YAML with an environment; fails the test with the issues when it does not load.
func load(_ yaml: String?, _ environment: [String: String] = [:]) throws -> LoadedConfiguration {
    switch ConfigurationLoader.load(yaml: yaml, source: "headroom.yaml", environment: environment) {
    case .success(let loaded): return loaded
    case .failure(let errors):
        Issue.record("unexpected issues:\n\(errors)")
        throw errors
    }
}

/// The issues of a configuration that must not load.
func issues(_ yaml: String, _ environment: [String: String] = [:]) -> [ConfigurationIssue] {
    switch ConfigurationLoader.load(yaml: yaml, source: "headroom.yaml", environment: environment) {
    case .success:
        Issue.record("expected the configuration to be rejected")
        return []
    case .failure(let errors): return errors.issues
    }
}

@Suite("Configuration loading")
struct ConfigurationLoaderTests {
    @Test("the embedded default loads with no issue and no warning, and equals an empty file")
    func embeddedDefault() throws {
        let loaded = try load(nil)
        #expect(loaded.warnings.isEmpty)
        let configuration = loaded.configuration
        #expect(configuration.interval == .seconds(5))
        #expect(configuration.channels.map(\.name) == ["console"])
        #expect(configuration.rules.count == 14)
        #expect(configuration.rules.first { $0.name == "cpu_overload" }?.hold == .consecutiveSamples(3))
        #expect(configuration.rules.first { $0.name == "gpu_memory_high" }?.hold == .duration(.seconds(10)))
        #expect(configuration.rules.first { $0.name == "gpu_memory_critical" }?.condition == .atLeast(95))
        #expect(try load("").configuration == configuration)
    }

    @Test("the issue's example shape loads")
    func issueExample() throws {
        let configuration = try load("""
            interval: 5s
            rules:
              - name: gpu_memory_high
                metric: gpu_memory_used_percent
                above: 80
                for: 10s
                severity: warning
              - name: cpu_overload
                metric: cpu_used_percent
                above: 90
                samples: 3
                severity: warning
            channels:
              - type: console
              - type: jsonlog
                path: /var/log/headroom/alerts.jsonl
            """).configuration
        let gpu = try #require(configuration.rules.first { $0.name == "gpu_memory_high" })
        #expect(gpu.condition == .above(80) && gpu.clear == nil)   // replaced the built-in entirely
        #expect(configuration.rules.count == 14)
        #expect(configuration.channels.map(\.name) == ["console", "jsonlog"])
        #expect(configuration.channels[1].settings == .jsonlog(JSONLogConfiguration(path: "/var/log/headroom/alerts.jsonl")))
    }

    @Test("every mistake is reported at once, in file order, with lines and suggestions")
    func allIssues() {
        let found = issues("""
            intervall: 5s
            rules:
              - name: cpu_overload
                metric: cpu_used_percent
                above: ninety
                sevrity: warning
              - name: twice
                metric: load1
                above: 1
                below: 0
              - name: held
                metric: load1
                above: 4
                for: soon
                clear: 9
            channels:
              - type: slak
            log:
              level: loud
            """)
        let lines = found.map { $0.line ?? 0 }
        #expect(lines == lines.sorted())
        func find(_ path: String) -> ConfigurationIssue? { found.first { $0.path == path } }
        #expect(find("intervall")?.suggestion == "did you mean \"interval\"?")
        #expect(find("intervall")?.line == 1)
        #expect(find("rules[0].above")?.message.contains("expected a number") == true)
        #expect(find("rules[0].sevrity")?.suggestion == "did you mean \"severity\"?")
        #expect(find("rules[0].sevrity")?.line == 6)
        #expect(find("rules[1].below")?.message.contains("one condition") == true)
        #expect(find("rules[2].for")?.message.contains("duration") == true)
        #expect(find("rules[2].clear")?.message.contains("at or below") == true)
        #expect(find("channels[0].type")?.suggestion == "did you mean \"slack\"?" || find("channels[0].type")?.message.contains("console, jsonlog") == true)
        #expect(find("log.level")?.message.contains("trace, debug, info") == true)
        #expect(found.count >= 8)
        #expect(found.allSatisfy { $0.origin == "headroom.yaml" })
    }

    @Test("YAML syntax errors carry their line")
    func syntax() {
        let found = issues("interval: 5s\nrules:\n  - name: [unclosed\n")
        #expect(found.count == 1)
        #expect(found[0].line != nil)
        #expect(found[0].message.hasPrefix("not valid YAML"))
    }

    @Test("wrong shapes", arguments: [
        ("rules: {name: x}", "rules", "expected a list of rules"),
        ("collectors: [a, b]", "collectors", "expected a mapping"),
        ("interval: [1, 2]", "interval", "expected a duration"),
        ("interval: 10ms", "interval", "at least 100ms"),
        ("rules:\n  - {metric: load1, above: 1}", "rules[0]", "needs a `name`"),
        ("rules:\n  - {name: a, above: 1}", "rules[0]", "needs a `metric`"),
        ("rules:\n  - {name: a, metric: load1}", "rules[0]", "needs one condition"),
        ("rules:\n  - {name: a, metric: 'load1{cpu=0}', above: 1}", "rules[0].metric", "must be quoted"),
        ("rules:\n  - {name: a, metric: load1, above: 1, severity: urgent}", "rules[0].severity", "info, warning, critical"),
        ("rules:\n  - {name: a, metric: load1, above: 1, within: {samples: 5, of: 3}}", "rules[0].within.samples", "samples must be ≤ of"),
        ("rules:\n  - {name: a, metric: load1, above: 1, for: 5s, samples: 2}", "rules[0].samples", "at most one of"),
        ("rules:\n  - {name: a, metric: load1, above: 1}\n  - {name: a, metric: load5, above: 1}", "rules[1].name", "already used"),
        ("rules:\n  - {name: a, metric: x_bytes, trend: {window: 10m}}", "rules[0].trend", "capacity"),
        ("collectors: {disabled: [cpu, gpuu]}", "collectors.disabled", "not a collector"),
        ("channels:\n  - {type: console, stream: stdlog}", "channels[0].stream", "stdout, stderr"),
        ("channels:\n  - {type: console, path: /x}", "channels[0].path", "unknown key"),
    ])
    func shapes(yaml: String, path: String, message: String) {
        let found = issues(yaml)
        let match = found.first { $0.path == path }
        #expect(match?.message.contains(message) == true || match?.suggestion?.contains(message) == true, "\(found)")
    }

    @Test("selectors and label matchers")
    func selectors() throws {
        let configuration = try load("""
            default_rules: false
            rules:
              - name: hot_core
                metric: 'cpu_core_used_percent{cpu!="0"}'
                labels: {host: a}
                above: 95
                within: {samples: 3, of: 5}
                keep_firing_for: 1m
                severity: critical
                summary: "core {label:cpu} at {value}"
            """).configuration
        let rule = try #require(configuration.rules.first { $0.name == "hot_core" })
        #expect(rule.selector == MetricSelector("cpu_core_used_percent", [.init("cpu", .notEqual, "0"), .init("host", .equal, "a")]))
        #expect(rule.hold == .within(samples: 3, of: 5))
        #expect(rule.keepFiringFor == .seconds(60))
        #expect(configuration.rules.map(\.name) == ["collector_failed", "hot_core"])
    }

    @Test("default_rules: false keeps only collector_failed; enabled: false drops one rule")
    func defaults() throws {
        #expect(try load("default_rules: false").configuration.rules.map(\.name) == ["collector_failed"])
        let names = try load("rules:\n  - {name: memory_leak, enabled: false}\n").configuration.rules.map(\.name)
        #expect(!names.contains("memory_leak") && names.count == 13)
    }

    // MARK: - Environment

    @Test("plain keys from the environment, with their origin in issues")
    func environmentPlain() throws {
        let configuration = try load(nil, [
            "HEADROOM_INTERVAL": "2s", "HEADROOM_LOG_LEVEL": "debug", "HEADROOM_COLLECTORS_ROOT": "/host",
            "HEADROOM_ALERTING_FLAPPING_MAX_CHANGES": "4", "HEADROOM_ALERTING_INHIBIT": "false",
        ]).configuration
        #expect(configuration.interval == .seconds(2))
        #expect(configuration.log.level == .debug)
        #expect(configuration.collectors.root == "/host")
        #expect(configuration.policy.flapMaxChanges == 4)
        #expect(configuration.policy.inhibit == false)
        let found = issues("interval: 5s", ["HEADROOM_INTERVAL": "soon"])
        #expect(found.first?.origin == "env HEADROOM_INTERVAL")
        #expect(found.first?.line == nil)
    }

    @Test("rules and channels by index and by name")
    func environmentLists() throws {
        let yaml = """
            rules:
              - {name: my_rule, metric: load1, above: 8, for: 1m}
            channels:
              - type: console
              - {type: jsonlog, name: audit, path: /tmp/a.jsonl}
            """
        let configuration = try load(yaml, [
            "HEADROOM_RULES_0_FOR": "30s",
            "HEADROOM_RULES_CPU_OVERLOAD_ABOVE": "85",
            "HEADROOM_RULES_GPU_MEMORY_HIGH_FOR": "20s",
            "HEADROOM_CHANNELS_AUDIT_PATH": "/var/log/b.jsonl",
            "HEADROOM_CHANNELS_CONSOLE_STREAM": "stderr",
        ]).configuration
        #expect(configuration.rules.first { $0.name == "my_rule" }?.hold == .duration(.seconds(30)))
        #expect(configuration.rules.first { $0.name == "cpu_overload" }?.condition == .above(85))
        #expect(configuration.rules.first { $0.name == "gpu_memory_high" }?.hold == .duration(.seconds(20)))
        #expect(configuration.channels[1].settings == .jsonlog(JSONLogConfiguration(path: "/var/log/b.jsonl")))
        #expect(configuration.channels[0].settings == .console(ConsoleConfiguration(stream: .stderr)))
    }

    @Test("overriding a condition the rule does not have is an issue")
    func wrongCondition() {
        let found = issues("interval: 5s", ["HEADROOM_RULES_CPU_OVERLOAD_BELOW": "10"])
        #expect(found.first?.message.contains("has `above`, not `below`") == true)
    }

    @Test("shortcuts move thresholds and keep the clear gap")
    func shortcuts() throws {
        let configuration = try load(nil, [
            "HEADROOM_GPU_MEMORY_WARN_PERCENT": "70",
            "HEADROOM_GPU_MEMORY_CRITICAL_PERCENT": "90",
            "HEADROOM_CPU_WARN_PERCENT": "75",
        ]).configuration
        let warn = try #require(configuration.rules.first { $0.name == "gpu_memory_high" })
        #expect(warn.condition == .atLeast(70))
        #expect(warn.clear == 65)     // was 80/75: the 5-point gap is kept
        #expect(configuration.rules.first { $0.name == "gpu_memory_critical" }?.condition == .atLeast(90))
        let cpu = try #require(configuration.rules.first { $0.name == "cpu_overload" })
        #expect(cpu.condition == .above(75) && cpu.clear == 65)
        // Raising a threshold leaves clear where it was (still below).
        let raised = try load(nil, ["HEADROOM_CPU_WARN_PERCENT": "95"]).configuration
        #expect(raised.rules.first { $0.name == "cpu_overload" }?.clear == 80)
    }

    @Test("HEADROOM_CHANNELS enables exactly the listed channels, adding missing types")
    func channelsShortcut() throws {
        let configuration = try load("channels:\n  - type: console\n  - {type: jsonlog, path: /tmp/x.jsonl}\n", ["HEADROOM_CHANNELS": "jsonlog"]).configuration
        #expect(configuration.channels.map(\.enabled) == [false, true])
        let added = try load(nil, ["HEADROOM_CHANNELS": "console,jsonlog"]).configuration
        #expect(added.channels.map(\.name) == ["console", "jsonlog"])
        #expect(added.channels.allSatisfy { $0.enabled })
        let bad = issues("interval: 5s", ["HEADROOM_CHANNELS": "console,pagerduty"])
        #expect(bad.first?.origin == "env HEADROOM_CHANNELS")
    }

    @Test("unknown HEADROOM_ variables are warnings with a suggestion, not errors")
    func unknownVariable() throws {
        let loaded = try load(nil, ["HEADROOM_INTERVALL": "2s", "HEADROOM_CONFIG": "/etc/x.yaml", "OTHER": "1"])
        #expect(loaded.warnings.count == 1)
        #expect(loaded.warnings.first?.suggestion == "did you mean \"HEADROOM_INTERVAL\"?")
    }

    @Test("lookup order: --config, $HEADROOM_CONFIG, /etc/headroom/headroom.yaml, embedded")
    func locate() {
        #expect(ConfigurationLoader.locate(explicitPath: "/a.yaml", environment: ["HEADROOM_CONFIG": "/b.yaml"], fileExists: { _ in true }) == "/a.yaml")
        #expect(ConfigurationLoader.locate(explicitPath: nil, environment: ["HEADROOM_CONFIG": "/b.yaml"], fileExists: { _ in true }) == "/b.yaml")
        #expect(ConfigurationLoader.locate(explicitPath: nil, environment: [:], fileExists: { $0 == "/etc/headroom/headroom.yaml" }) == "/etc/headroom/headroom.yaml")
        #expect(ConfigurationLoader.locate(explicitPath: nil, environment: [:], fileExists: { _ in false }) == nil)
    }

    @Test("config show renders YAML that loads back to the same configuration")
    func roundTrip() throws {
        for yaml in [nil, """
            interval: 1500ms
            hostname: "gpu-01 \\"east\\""
            collectors: {root: /host, timeout: 250ms, disabled: [load], cgroup_path: /docker/x}
            alerting: {repeat_interval: 1h, inhibit: false, stale_after: 2m, flapping: {window: 5m, max_changes: 0}}
            rules:
              - {name: a, metric: 'x_percent{gpu="0"}', at_most: 5, within: {samples: 2, of: 4}, clear: 10, keep_firing_for: 30s, severity: info, summary: "low {value}"}
              - {name: b, metric: y_bytes, trend: {capacity: 100, window: 2m, exhaustion_within: 1h, min_r2: 0.5, min_samples: 3}}
              - {name: c, metric: z_total, increases: true, severity: critical}
            channels:
              - {type: console, color: never, min_severity: warning}
              - {type: jsonlog, name: audit, path: /tmp/a.jsonl, send_resolved: false, enabled: false}
            log: {level: warning, format: json}
            """] {
            let original = try load(yaml).configuration
            let rendered = ConfigurationRenderer.yaml(original)
            var reloaded = try load(rendered).configuration
            var expected = original
            // Rule order is not part of the contract (the always-on rule moves); compare by name.
            reloaded.rules.sort { $0.name < $1.name }
            expected.rules.sort { $0.name < $1.name }
            #expect(reloaded == expected, "\(rendered)")
        }
    }
}
