import HeadroomCollectors
import HeadroomConfig
import HeadroomConfigSyntax
import HeadroomCore
import HeadroomNotify
import Testing

@Suite("Environment overrides")
struct EnvironmentOverridesTests {
    // MARK: - Settings

    @Test(
        "every key outside the lists has a variable named after its path",
        arguments: [
            ("HEADROOM_INTERVAL", "2s", "interval: 2s"),
            ("HEADROOM_HOSTNAME", "gpu-01", "hostname: gpu-01"),
            ("HEADROOM_HOSTNAME", "\"007\"", "hostname: \"007\""),
            ("HEADROOM_COLLECTORS_ROOT", "/host", "  root: /host"),
            ("HEADROOM_COLLECTORS_TIMEOUT", "750ms", "  timeout: 750ms"),
            ("HEADROOM_COLLECTORS_DISABLED", "pressure, load", "  disabled: [load, pressure]"),
            ("HEADROOM_COLLECTORS_CGROUP_PATH", "/docker/abc", "  cgroup_path: /docker/abc"),
            ("HEADROOM_COLLECTORS_NVML_LIBRARY", "/usr/local/nvidia/lib64/libnvidia-ml.so.1", "  nvml_library: /usr/local/nvidia/lib64/libnvidia-ml.so.1"),
            ("HEADROOM_ALERTING_REPEAT_INTERVAL", "1h", "  repeat_interval: 1h"),
            ("HEADROOM_ALERTING_INHIBIT", "no", "  inhibit: false"),
            ("HEADROOM_ALERTING_STALE_AFTER", "90", "  stale_after: 1m30s"),
            ("HEADROOM_ALERTING_FLAPPING_WINDOW", "5m", "    window: 5m"),
            ("HEADROOM_ALERTING_FLAPPING_MAX_CHANGES", "4", "    max_changes: 4"),
            ("HEADROOM_LOG_LEVEL", "debug", "  level: debug"),
            ("HEADROOM_LOG_FORMAT", "json", "  format: json"),
        ])
    func settingVariable(variable: String, value: String, renderedLine: String) throws {
        let loaded = try load(nil, environment: [variable: value])
        #expect(loaded.warnings.isEmpty)
        let lines = ConfigurationRenderer.yaml(loaded.configuration).split(separator: "\n").map(String.init)
        #expect(lines.contains(renderedLine), "\(lines)")
    }

    @Test("a variable overrides the file's value, and creates the mappings on its path")
    func overridesFile() throws {
        let configuration = try configuration(
            "interval: 10s\nlog: {level: warning}\n",
            environment: [
                "HEADROOM_INTERVAL": "2s", "HEADROOM_ALERTING_FLAPPING_MAX_CHANGES": "4", "HEADROOM_LOG_FORMAT": "json",
            ])
        #expect(configuration.interval == .seconds(2))
        #expect(configuration.policy.flapMaxChanges == 4)
        #expect(configuration.log == LogSettings(level: .warning, format: .json))
    }

    @Test("HEADROOM_DEFAULT_RULES=false drops the default set")
    func defaultRulesVariable() throws {
        #expect(
            try configuration(nil, environment: ["HEADROOM_DEFAULT_RULES": "false"]).rules.map(\.name) == [
                "collector_failed", "collector_stalled", "series_limit_reached", "history_write_failed", "alert_state_save_failed",
            ])
    }

    @Test("values are YAML scalars: null unsets, quotes keep a string, empty counts as unset")
    func scalars() throws {
        #expect(try configuration("hostname: a", environment: ["HEADROOM_HOSTNAME": "null"]).hostname == nil)
        #expect(try configuration("hostname: a", environment: ["HEADROOM_HOSTNAME": "'null'"]).hostname == "null")
        #expect(try configuration("hostname: a", environment: ["HEADROOM_HOSTNAME": "  "]).hostname == "a")
        #expect(try configuration(nil, environment: ["HEADROOM_INTERVAL": " 3s "]).interval == .seconds(3))
    }

    // MARK: - Rules

    static let fileRules = """
        rules:
          - {name: my_rule, metric: load1, above: 8, for: 1m}
          - {name: gpu_memory, metric: gpu_memory_used_percent, above: 50}
          - {name: disk_low, metric: disk_free_percent, below: 10, clear: 15}
        """

    @Test("a rule by its index in the file's list, or by name (built-ins included, longest name wins)")
    func rulesByIndexAndName() throws {
        let configuration = try configuration(
            Self.fileRules,
            environment: [
                "HEADROOM_RULES_0_FOR": "30s",
                "HEADROOM_RULES_CPU_OVERLOAD_ABOVE": "85",
                "HEADROOM_RULES_GPU_MEMORY_HIGH_FOR": "20s",
                "HEADROOM_RULES_GPU_MEMORY_ABOVE": "60",
                "HEADROOM_RULES_MEMORY_CRITICAL_SEVERITY": "warning",
            ])
        #expect(configuration.rule("my_rule")?.hold == .duration(.seconds(30)))
        #expect(configuration.rule("cpu_overload")?.condition == .above(85))
        #expect(configuration.rule("gpu_memory_high")?.hold == .duration(.seconds(20)))
        #expect(configuration.rule("gpu_memory")?.condition == .above(60))
        #expect(configuration.rule("gpu_memory")?.hold == .immediately)
        #expect(configuration.rule("memory_critical")?.severity == .warning)
    }

    @Test("an index addresses the file's entry even when it replaced a built-in")
    func indexOfReplacement() throws {
        let configuration = try configuration(
            "rules:\n  - {name: cpu_overload, metric: cpu_used_percent, above: 70}", environment: ["HEADROOM_RULES_0_ABOVE": "60"])
        #expect(configuration.rule("cpu_overload")?.condition == .above(60))
    }

    @Test("nested rule keys: trend, within, labels; a hold replaces the rule's hold")
    func nestedRuleKeys() throws {
        let configuration = try configuration(
            nil,
            environment: [
                "HEADROOM_RULES_MEMORY_LEAK_TREND_WINDOW": "20m",
                "HEADROOM_RULES_MEMORY_LEAK_TREND_MIN_SAMPLES": "12",
                "HEADROOM_RULES_CPU_OVERLOAD_WITHIN_SAMPLES": "3",
                "HEADROOM_RULES_CPU_OVERLOAD_WITHIN_OF": "5",
                "HEADROOM_RULES_MEMORY_HIGH_SAMPLES": "4",
                "HEADROOM_RULES_GPU_MEMORY_CRITICAL_LABELS_GPU": "0",
            ])
        guard case .trend(let trend)? = configuration.rule("memory_leak")?.condition else {
            Issue.record("memory_leak lost its trend")
            return
        }
        #expect(trend.window == .seconds(1200) && trend.minimumSamples == 12)
        #expect(configuration.rule("cpu_overload")?.hold == .within(samples: 3, of: 5))
        #expect(configuration.rule("memory_high")?.hold == .consecutiveSamples(4))
        #expect(configuration.rule("gpu_memory_critical")?.selector == MetricSelector("gpu_memory_used_percent", [.init("gpu", .equal, "0")]))
    }

    @Test("a built-in can be switched off from the environment")
    func switchOffByVariable() throws {
        let loaded = try load(nil, environment: ["HEADROOM_RULES_MEMORY_LEAK_ENABLED": "false"])
        #expect(loaded.configuration.rule("memory_leak") == nil)
        #expect(loaded.configuration.rules.count == BuiltinRulesTests.expected.count - 1)
        #expect(loaded.warnings.isEmpty)
    }

    @Test("only the condition a rule already has can be set")
    func wrongCondition() {
        let found = issues(nil, environment: ["HEADROOM_RULES_CPU_OVERLOAD_BELOW": "10"])
        #expect(found.count == 1)
        #expect(found.first?.path == "rules[cpu_overload].below")
        #expect(found.first?.message == "the rule has `above`, not `below`; set HEADROOM_RULES_CPU_OVERLOAD_ABOVE instead, or change the condition in the file")
        #expect(found.first?.origin == "env HEADROOM_RULES_CPU_OVERLOAD_BELOW")
    }

    @Test(
        "an invalid value is a problem naming the variable, with no line",
        arguments: [
            ("HEADROOM_INTERVAL", "soon", "interval"),
            ("HEADROOM_LOG_LEVEL", "loud", "log.level"),
            ("HEADROOM_ALERTING_FLAPPING_MAX_CHANGES", "many", "alerting.flapping.max_changes"),
            ("HEADROOM_RULES_CPU_OVERLOAD_ABOVE", "high", "rules[cpu_overload].above"),
            ("HEADROOM_RULES_CPU_OVERLOAD_CLEAR", "95", "rules[cpu_overload].clear"),
            ("HEADROOM_RULES_0_SAMPLES", "0", "rules[0].samples"),
            ("HEADROOM_RULES_MEMORY_LEAK_TREND_MIN_R2", "2", "rules[memory_leak].trend.min_r2"),
            ("HEADROOM_CHANNELS_CONSOLE_STREAM", "stdlog", "channels[0].stream"),
            ("HEADROOM_CPU_WARN_PERCENT", "high", "rules[cpu_overload].above"),
        ])
    func invalidValue(variable: String, value: String, path: String) {
        let found = issues("rules:\n  - {name: a, metric: m, above: 1}\nchannels:\n  - type: console\n", environment: [variable: value])
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.path == path)
        #expect(found.first?.origin == "env \(variable)")
        #expect(found.first?.line == nil)
        #expect(found.first?.description.hasPrefix("env \(variable): \(path): ") == true)
    }

    @Test(
        "variables that address no rule, or no rule key, are problems with a suggestion",
        arguments: [
            ("HEADROOM_RULES_CPU_OVERLAOD_ABOVE", "rules", "HEADROOM_RULES_CPU_OVERLOAD_ABOVE"),
            ("HEADROOM_RULES_CPU_OVERLOAD_ABVOE", "rules[cpu_overload]", "HEADROOM_RULES_CPU_OVERLOAD_ABOVE"),
            ("HEADROOM_RULES_7_FOR", "rules", nil),
            ("HEADROOM_CHANNELS_CONSOLE_STRAEM", "channels[0]", "HEADROOM_CHANNELS_CONSOLE_STREAM"),
            ("HEADROOM_CHANNELS_SLACK_URL", "channels", nil),
        ] as [(String, String, String?)])
    func unaddressable(variable: String, path: String, suggested: String?) {
        let found = issues(nil, environment: [variable: "1"])
        #expect(found.map(\.path) == [path], "\(found)")
        #expect(found.first?.suggestion == suggested.map { "did you mean \"\($0)\"?" })
    }

    @Test("two variables setting the same key is a problem")
    func conflict() {
        let found = issues(nil, environment: ["HEADROOM_CPU_WARN_PERCENT": "70", "HEADROOM_RULES_CPU_OVERLOAD_ABOVE": "80"])
        #expect(found.count == 1)
        #expect(found.first?.origin == "env HEADROOM_RULES_CPU_OVERLOAD_ABOVE")
        #expect(found.first?.message == "HEADROOM_CPU_WARN_PERCENT sets the same key; set only one of them")
        let holds = issues(nil, environment: ["HEADROOM_RULES_CPU_OVERLOAD_FOR": "1m", "HEADROOM_RULES_CPU_OVERLOAD_SAMPLES": "2"])
        #expect(holds.count == 1)
        #expect(holds.first?.message.hasPrefix("HEADROOM_RULES_CPU_OVERLOAD_FOR sets the rule's hold to `for`") == true)
    }

    // MARK: - Shortcuts

    @Test(
        "shortcuts set thresholds; clear moves along when passed, keeping the gap",
        arguments: [
            ("HEADROOM_GPU_MEMORY_WARN_PERCENT", "70", "gpu_memory_high", Condition.atLeast(70), 65.0),
            ("HEADROOM_GPU_MEMORY_WARN_PERCENT", "85", "gpu_memory_high", .atLeast(85), 75),
            ("HEADROOM_GPU_MEMORY_WARN_PERCENT", "75", "gpu_memory_high", .atLeast(75), 75),
            ("HEADROOM_GPU_MEMORY_CRITICAL_PERCENT", "90", "gpu_memory_critical", .atLeast(90), nil),
            ("HEADROOM_CPU_WARN_PERCENT", "75", "cpu_overload", .above(75), 65),
            ("HEADROOM_CPU_WARN_PERCENT", "95", "cpu_overload", .above(95), 80),
            ("HEADROOM_CPU_WARN_PERCENT", "72.5", "cpu_overload", .above(72.5), 62.5),
            ("HEADROOM_RULES_MEMORY_HIGH_AT_LEAST", "80", "memory_high", .atLeast(80), 75),
            ("HEADROOM_RULES_DISK_LOW_BELOW", "20", "disk_low", .below(20), 25),
            ("HEADROOM_RULES_DISK_LOW_BELOW", "5", "disk_low", .below(5), 15),
        ] as [(String, String, String, Condition, Double?)])
    func shortcut(variable: String, value: String, rule: String, condition: Condition, clear: Double?) throws {
        let loaded = try load(Self.fileRules, environment: [variable: value])
        #expect(loaded.configuration.rule(rule)?.condition == condition)
        #expect(loaded.configuration.rule(rule)?.clear == clear)
        #expect(loaded.warnings.isEmpty)
    }

    @Test("clear set from the environment too is kept as given (and checked)")
    func explicitClear() throws {
        let rule = try configuration(nil, environment: ["HEADROOM_CPU_WARN_PERCENT": "75", "HEADROOM_RULES_CPU_OVERLOAD_CLEAR": "70"]).rule("cpu_overload")
        #expect(rule?.clear == 70)
        let found = issues(nil, environment: ["HEADROOM_CPU_WARN_PERCENT": "75", "HEADROOM_RULES_CPU_OVERLOAD_CLEAR": "78"])
        #expect(found.map(\.origin) == ["env HEADROOM_RULES_CPU_OVERLOAD_CLEAR"])
    }

    @Test("a shortcut for a rule that is not loaded is a problem")
    func shortcutWithoutRule() {
        let found = issues("default_rules: false", environment: ["HEADROOM_CPU_WARN_PERCENT": "75"])
        #expect(found.first?.message == "sets the threshold of rule cpu_overload, but default_rules is false, so it is not loaded")
    }

    // MARK: - Channels

    @Test(
        "HEADROOM_CHANNELS enables exactly the listed channels, by type or name, adding missing types",
        arguments: [
            ("channels:\n  - type: console\n  - {type: jsonlog, path: /tmp/x.jsonl}", "jsonlog", ["console": false, "jsonlog": true]),
            ("channels:\n  - type: console\n  - {type: jsonlog, name: audit}", "audit", ["console": false, "audit": true]),
            ("interval: 5s", "console,jsonlog", ["console": true, "jsonlog": true]),
            ("interval: 5s", " jsonlog , ", ["console": false, "jsonlog": true]),
            ("channels:\n  - {type: console, enabled: false}", "console", ["console": true]),
            ("channels:\n  - type: console\n  - type: console", "console", ["console": true, "console:2": true]),
        ])
    func channelsVariable(yaml: String, value: String, expected: [String: Bool]) throws {
        let channels = try configuration(yaml, environment: ["HEADROOM_CHANNELS": value]).channels
        #expect(Dictionary(uniqueKeysWithValues: channels.map { ($0.name, $0.enabled) }) == expected)
    }

    @Test("a listed file channel keeps its settings; an added one takes its defaults and can be set")
    func channelsVariableKeepsSettings() throws {
        let channels = try configuration(
            "channels:\n  - {type: console, stream: stderr, min_severity: critical}",
            environment: [
                "HEADROOM_CHANNELS": "console,jsonlog", "HEADROOM_CHANNELS_JSONLOG_PATH": "/var/log/headroom/alerts.jsonl",
            ]
        ).channels
        #expect(
            channels == [
                ChannelConfiguration(name: "console", minimumSeverity: .critical, settings: .console(.init(stream: .stderr))),
                ChannelConfiguration(name: "jsonlog", settings: .jsonlog(.init(path: "/var/log/headroom/alerts.jsonl"))),
            ])
    }

    @Test(
        "HEADROOM_CHANNELS with an unknown entry is a problem", arguments: [("pagerduty", nil), ("consle", "did you mean \"console\"?")] as [(String, String?)])
    func channelsVariableUnknown(entry: String, suggestion: String?) {
        let found = issues(nil, environment: ["HEADROOM_CHANNELS": "console,\(entry)"])
        #expect(found.first?.origin == "env HEADROOM_CHANNELS")
        #expect(
            found.first?.message
                == "\"\(entry)\" is neither a channel type (console, jsonlog, webhook, slack, wecom, dingtalk, feishu, exec, sound, alertmanager, email) nor the name of a channel"
        )
        #expect(found.first?.suggestion == suggestion)
    }

    @Test("a channel by name, by its type when unique, or by position")
    func channelItems() throws {
        let channels = try configuration(
            "channels:\n  - type: console\n  - {type: jsonlog, name: audit}\n  - type: console\n",
            environment: [
                "HEADROOM_CHANNELS_AUDIT_PATH": "/var/log/a.jsonl",
                "HEADROOM_CHANNELS_JSONLOG_SEND_RESOLVED": "false",
                "HEADROOM_CHANNELS_CONSOLE_STREAM": "stderr",
                "HEADROOM_CHANNELS_CONSOLE_2_COLOR": "never",
                "HEADROOM_CHANNELS_2_MIN_SEVERITY": "critical",
            ]
        ).channels
        #expect(
            channels == [
                ChannelConfiguration(name: "console", settings: .console(.init(stream: .stderr))),
                ChannelConfiguration(name: "audit", sendResolved: false, settings: .jsonlog(.init(path: "/var/log/a.jsonl"))),
                ChannelConfiguration(name: "console:2", minimumSeverity: .critical, settings: .console(.init(color: .never))),
            ])
    }

    @Test("the default console channel is addressable too")
    func defaultChannel() throws {
        let channels = try configuration(nil, environment: ["HEADROOM_CHANNELS_0_STREAM": "stderr", "HEADROOM_CHANNELS_CONSOLE_COLOR": "always"]).channels
        #expect(channels == [ChannelConfiguration(name: "console", settings: .console(.init(stream: .stderr, color: .always)))])
    }

    // MARK: - Unknown variables

    @Test("an unknown HEADROOM_ variable is a warning with the closest variable; others are ignored")
    func unknownVariables() throws {
        let loaded = try load(
            nil,
            environment: [
                "HEADROOM_INTERVALL": "2s", "HEADROOM_CONFIG": "/etc/x.yaml", "HEADROOM_VERSION": "1.0", "HEADROOM_EMPTY": "", "PATH": "/bin",
            ])
        #expect(loaded.warnings.map(\.origin) == ["env HEADROOM_INTERVALL", "env HEADROOM_VERSION"])
        #expect(loaded.warnings.first?.message == "unknown variable, ignored")
        #expect(loaded.warnings.first?.suggestion == "did you mean \"HEADROOM_INTERVAL\"?")
        #expect(loaded.warnings.first?.description == "env HEADROOM_INTERVALL: unknown variable, ignored; did you mean \"HEADROOM_INTERVAL\"?")
        #expect(loaded.configuration == (try configuration(nil)))
    }

    @Test("problems of the file come first, then those of the environment")
    func ordering() {
        let found = issues("interval: soon\nlog: {level: loud}\n", environment: ["HEADROOM_ALERTING_INHIBIT": "maybe", "HEADROOM_COLLECTORS_ROOT": "relative"])
        #expect(found.map(\.origin) == ["headroom.yaml", "headroom.yaml", "env HEADROOM_ALERTING_INHIBIT", "env HEADROOM_COLLECTORS_ROOT"])
    }
}
