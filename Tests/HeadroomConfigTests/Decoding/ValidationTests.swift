import HeadroomCollectors
import HeadroomConfig
import HeadroomConfigSyntax
import HeadroomCore
import HeadroomNotify
import Testing

@Suite("Validation")
struct ValidationTests {
    // MARK: - All at once

    static let manyMistakes = """
        intervall: 5s
        rules:
          - name: cpu_hot
            metric: cpu_used_percent
            above: ninety
            sevrity: warning
          - name: two_conditions
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
        """

    @Test("every mistake in a file is reported at once, in file order, each at its own line")
    func allAtOnce() {
        let found = issues(Self.manyMistakes)
        #expect(
            found.map(\.path) == [
                "intervall", "rules[0].above", "rules[0].sevrity", "rules[1].below",
                "rules[2].for", "rules[2].clear", "channels[0].type", "log.level",
            ])
        #expect(found.map(\.line) == [1, 5, 6, 10, 14, 15, 17, 19])
        #expect(found.map(\.column) == [1, 12, 5, 12, 10, 12, 11, 10])
        #expect(found.allSatisfy { $0.origin == "headroom.yaml" })
        #expect(found[0].suggestion == "did you mean \"interval\"?")
        #expect(found[1].message == "expected a number such as 90 or 0.5, got \"ninety\"")
        #expect(found[2].description == "headroom.yaml:6:5: rules[0].sevrity: unknown key; did you mean \"severity\"?")
        #expect(found[3].message.contains("`above` and `below`"))
        #expect(found[4].message.contains("expected a duration such as \"500ms\", \"10s\", \"5m\" or \"1h30m\""))
        #expect(found[5].message.contains("at or below 4, got 9"))
        #expect(found[6].message.contains("console, jsonlog"))
        #expect(found[7].message == "expected one of trace, debug, info, notice, warning, error, critical, got \"loud\"")
    }

    @Test("the errors print one issue per line")
    func errorsDescription() {
        guard case .failure(let errors) = ConfigurationLoader.load(yaml: "intervl: 5s\nlog: {levle: debug}\n", source: "a.yaml", environment: [:]) else {
            Issue.record("expected issues")
            return
        }
        #expect(
            errors.description == """
                a.yaml:1:1: intervl: unknown key; did you mean "interval"?
                a.yaml:2:7: log.levle: unknown key; did you mean "level"?
                """)
    }

    // MARK: - Keys

    @Test(
        "misspelt keys are errors with the closest key",
        arguments: [
            ("intervl: 5s", "intervl", "interval"),
            ("defualt_rules: false", "defualt_rules", "default_rules"),
            ("colectors: {root: /}", "colectors", "collectors"),
            ("collectors: {tiemout: 1s}", "collectors.tiemout", "timeout"),
            ("alerting: {repeat: 1h}", "alerting.repeat", "repeat_interval"),
            ("alerting: {flapping: {max_change: 3}}", "alerting.flapping.max_change", "max_changes"),
            ("log: {levle: debug}", "log.levle", "level"),
            ("rules:\n  - {name: a, metric: m, above: 1, sevrity: info}", "rules[0].sevrity", "severity"),
            ("rules:\n  - {name: a, metric: m, above: 1, keep_firing: 5m}", "rules[0].keep_firing", "keep_firing_for"),
            ("rules:\n  - {name: a, metric: m, above: 1, summery: x}", "rules[0].summery", "summary"),
            ("rules:\n  - {name: a, metric: m, trend: {capacity_metirc: x}}", "rules[0].trend.capacity_metirc", "capacity_metric"),
            ("rules:\n  - {name: a, metric: m, above: 1, within: {sample: 2, of: 3}}", "rules[0].within.sample", "samples"),
            ("channels:\n  - {type: console, strem: stderr}", "channels[0].strem", "stream"),
            ("channels:\n  - {type: jsonlog, pth: /x}", "channels[0].pth", "path"),
            ("channels:\n  - {type: console, min_severty: warning}", "channels[0].min_severty", "min_severity"),
        ])
    func misspeltKey(yaml: String, path: String, expected: String) {
        let found = issue(at: path, in: issues(yaml))
        #expect(found?.message == "unknown key")
        #expect(found?.suggestion == "did you mean \"\(expected)\"?")
    }

    @Test("an unknown key with no close match lists the allowed keys")
    func unknownKeyListsAllowed() {
        let found = issue(at: "log.colour", in: issues("log: {colour: red}"))
        #expect(found?.suggestion == "expected one of: level, format")
    }

    @Test("a key of another channel type says where it belongs")
    func keyOfAnotherChannelType() {
        let found = issue(at: "channels[0].path", in: issues("channels:\n  - {type: console, path: /x}"))
        #expect(found?.message == "unknown key: `path` is a setting of jsonlog channels; console channels take stream, color")
    }

    // MARK: - Types

    @Test(
        "values of the wrong type say what was expected and what was found",
        arguments: [
            ("interval: [1, 2]", "interval", "expected a duration such as", "got a list"),
            ("hostname: {a: b}", "hostname", "expected a host name", "got a mapping"),
            ("collectors: [a, b]", "collectors", "expected a mapping such as {root: /host, timeout: 2s}", "got a list"),
            ("alerting: 5", "alerting", "expected a mapping such as {repeat_interval: 30m}", "got \"5\""),
            ("alerting: {inhibit: maybe}", "alerting.inhibit", "expected true or false", "got \"maybe\""),
            ("alerting: {flapping: {max_changes: -1}}", "alerting.flapping.max_changes", "expected a whole number from 0 to 10000", "got -1"),
            ("collectors: {disabled: {cpu: true}}", "collectors.disabled", "expected a list of names", "got a mapping"),
            ("log: {level: [info]}", "log.level", "expected one of trace, debug", "got a list"),
            ("rules: {name: x}", "rules", "expected a list of rules", "got a mapping"),
            ("rules:\n  - cpu_overload", "rules[0]", "expected a rule: a mapping with name, metric and a condition", "got \"cpu_overload\""),
            ("rules:\n  - {name: a, metric: m, above: high}", "rules[0].above", "expected a number such as 90 or 0.5", "got \"high\""),
            ("rules:\n  - {name: a, metric: m, above: [1]}", "rules[0].above", "expected a number", "got a list"),
            ("rules:\n  - {name: a, metric: m, above: 1, samples: 2.5}", "rules[0].samples", "expected a whole number from 1 to 10000", "got \"2.5\""),
            ("rules:\n  - {name: a, metric: [m], above: 1}", "rules[0].metric", "expected a metric selector", "got a list"),
            ("rules:\n  - {name: a, metric: m, above: 1, labels: [gpu]}", "rules[0].labels", "expected a mapping of label: value", "got a list"),
            ("rules:\n  - {name: a, metric: m, increases: 1}", "rules[0].increases", "expected true or false", "got \"1\""),
            ("rules:\n  - {name: a, metric: m, trend: 100}", "rules[0].trend", "expected a mapping such as {capacity_metric:", "got \"100\""),
            ("rules:\n  - {name: a, metric: m, above: 1, within: 3}", "rules[0].within", "expected a mapping such as {samples: 3, of: 5}", "got \"3\""),
            ("channels: {type: console}", "channels", "expected a list of channels", "got a mapping"),
            ("channels:\n  - console", "channels[0]", "expected a channel: a mapping such as {type: console}", "got \"console\""),
            ("channels:\n  - {type: console, enabled: sometimes}", "channels[0].enabled", "expected true or false", "got \"sometimes\""),
        ])
    func wrongType(yaml: String, path: String, expected: String, got: String) {
        let found = issue(at: path, in: issues(yaml))
        #expect(found?.message.contains(expected) == true, "\(found?.message ?? "")")
        #expect(found?.message.hasSuffix(got) == true, "\(found?.message ?? "")")
    }

    @Test("a document that is not a mapping")
    func notAMapping() {
        let found = issues("- interval: 5s\n")
        #expect(found.count == 1)
        #expect(found.first?.message == "expected a mapping of keys such as `interval:` and `rules:`, got a list")
    }

    // MARK: - Durations

    @Test(
        "durations: units, compounds, bare seconds",
        arguments: [
            ("500ms", Duration.milliseconds(500)), ("10s", .seconds(10)), ("5m", .seconds(300)), ("1h30m", .seconds(5400)),
            ("2d", .seconds(172_800)), ("90", .seconds(90)), ("1.5", .milliseconds(1500)), ("\"2s\"", .seconds(2)),
        ])
    func validDuration(text: String, expected: Duration) throws {
        #expect(try configuration("interval: \(text)").interval == expected)
    }

    @Test(
        "bad durations say what a duration looks like, or the minimum",
        arguments: [
            ("interval: ten", "interval", "expected a duration such as \"500ms\", \"10s\", \"5m\" or \"1h30m\" (a bare number is seconds), got \"ten\""),
            ("interval: -5s", "interval", "expected a duration such as \"500ms\", \"10s\", \"5m\" or \"1h30m\" (a bare number is seconds), got \"-5s\""),
            (
                "interval: 5 minutes", "interval",
                "expected a duration such as \"500ms\", \"10s\", \"5m\" or \"1h30m\" (a bare number is seconds), got \"5 minutes\""
            ),
            ("interval: 10ms", "interval", "expected a duration of at least 100ms, got \"10ms\""),
            ("collectors: {timeout: 5ms}", "collectors.timeout", "expected a duration of at least 10ms, got \"5ms\""),
            ("alerting: {stale_after: 0}", "alerting.stale_after", "expected a duration of at least 1s, got \"0\""),
            (
                "rules:\n  - {name: a, metric: m, above: 1, for: 5x}", "rules[0].for",
                "expected a duration such as \"500ms\", \"10s\", \"5m\" or \"1h30m\" (a bare number is seconds), got \"5x\""
            ),
            (
                "rules:\n  - {name: a, metric: m, above: 1, keep_firing_for: soon}", "rules[0].keep_firing_for",
                "expected a duration such as \"500ms\", \"10s\", \"5m\" or \"1h30m\" (a bare number is seconds), got \"soon\""
            ),
            ("rules:\n  - {name: a, metric: m, trend: {capacity: 100, window: 0s}}", "rules[0].trend.window", "expected a duration of at least 1s, got \"0s\""),
        ])
    func badDuration(yaml: String, path: String, message: String) {
        #expect(issue(at: path, in: issues(yaml))?.message == message)
    }

    // MARK: - Rules

    @Test("a rule has exactly one condition")
    func conditionCount() {
        let two = issue(at: "rules[0].below", in: issues("rules:\n  - {name: a, metric: m, above: 1, below: 0}"))
        #expect(two?.message == "a rule has exactly one condition, but this one has `above` and `below`; keep one (or write two rules)")
        let none = issue(at: "rules[0]", in: issues("rules:\n  - {name: a, metric: m, severity: info}"))
        #expect(none?.message == "a rule needs one condition: above, at_least, below or at_most (a number), increases: true, or trend: {…}")
        #expect(none?.line == 2)
        let off = issue(at: "rules[0].increases", in: issues("rules:\n  - {name: a, metric: m, increases: false}"))
        #expect(off?.message.hasPrefix("`increases: false` is not a condition") == true)
    }

    @Test("a rule needs a name and a metric")
    func required() {
        #expect(issue(at: "rules[0]", in: issues("rules:\n  - {metric: m, above: 1}"))?.message.hasPrefix("a rule needs a `name`") == true)
        #expect(issue(at: "rules[0]", in: issues("rules:\n  - {name: a, above: 1}"))?.message.hasPrefix("a rule needs a `metric`") == true)
        #expect(issue(at: "rules[0]", in: issues("rules:\n  - {name: ~, metric: m, above: 1}"))?.message.hasPrefix("a rule needs a `name`") == true)
        #expect(
            issue(at: "rules[0].name", in: issues("rules:\n  - {name: 'cpu hot', metric: m, above: 1}"))?.message
                == "expected a rule name in one word, such as gpu_memory_high, got \"cpu hot\"")
    }

    @Test(
        "holds: at most one, within needs 1 ≤ samples ≤ of ≤ 64, samples ≥ 1",
        arguments: [
            ("for: 5s, samples: 2", "rules[0].samples", "a rule has at most one of for, samples and within, but this one has `for` and `samples`; keep one"),
            ("within: {samples: 5, of: 3}", "rules[0].within.samples", "5 breaching samples out of the last 3 can never happen; samples must be at most `of`"),
            ("within: {samples: 2}", "rules[0].within", "needs both `samples` and `of` (missing `of`), such as within: {samples: 3, of: 5}"),
            ("within: {samples: 2, of: 65}", "rules[0].within.of", "expected a whole number from 1 to 64, got 65"),
            ("within: {samples: 0, of: 3}", "rules[0].within.samples", "expected a whole number from 1 to 64, got 0"),
            ("samples: 0", "rules[0].samples", "expected a whole number from 1 to 10000, got 0"),
        ])
    func holds(hold: String, path: String, message: String) {
        #expect(issue(at: path, in: issues("rules:\n  - {name: a, metric: m, above: 1, \(hold)}"))?.message == message)
    }

    @Test(
        "the holds decode",
        arguments: [
            ("", HoldPolicy.immediately), ("for: 30s", .duration(.seconds(30))), ("samples: 3", .consecutiveSamples(3)),
            ("within: {samples: 3, of: 5}", .within(samples: 3, of: 5)), ("within: {samples: 64, of: 64}", .within(samples: 64, of: 64)),
        ])
    func holdDecodes(hold: String, expected: HoldPolicy) throws {
        let rule = try configuration("default_rules: false\nrules:\n  - {name: a, metric: m, above: 1\(hold.isEmpty ? "" : ", " + hold)}").rule("a")
        #expect(rule?.hold == expected)
    }

    @Test(
        "clear must be on the non-breaching side of the threshold",
        arguments: [
            ("above: 90", "clear: 95", false), ("above: 90", "clear: 90", true), ("above: 90", "clear: 80", true),
            ("at_least: 80", "clear: 85", false), ("at_least: 80", "clear: 75", true),
            ("below: 10", "clear: 5", false), ("below: 10", "clear: 15", true),
            ("at_most: 10", "clear: 9", false), ("at_most: 10", "clear: 10", true),
            ("increases: true", "clear: 1", false), ("trend: {capacity: 100}", "clear: 1", false),
        ])
    func clearSide(condition: String, clear: String, valid: Bool) {
        let result = ConfigurationLoader.load(yaml: "rules:\n  - {name: a, metric: m, \(condition), \(clear)}", source: "headroom.yaml", environment: [:])
        switch result {
        case .success(let loaded):
            #expect(valid)
            #expect(loaded.configuration.rule("a")?.clear != nil)
        case .failure(let errors):
            #expect(!valid, "\(errors)")
            #expect(errors.issues.map(\.path) == ["rules[0].clear"])
        }
    }

    @Test("clear on the wrong side says which side is right")
    func clearMessage() {
        #expect(
            issue(at: "rules[0].clear", in: issues("rules:\n  - {name: a, metric: m, below: 10, clear: 5}"))?.message
                == "must be on the non-breaching side of the threshold: for `below: 10` use a value at or above 10, got 5")
    }

    @Test(
        "trend conditions",
        arguments: [
            ("{window: 10m}", "rules[0].trend", "a trend needs its capacity"),
            ("{capacity: 100, capacity_metric: x_bytes}", "rules[0].trend.capacity_metric", "give either `capacity` or `capacity_metric`, not both"),
            ("{capacity: 0}", "rules[0].trend.capacity", "expected a capacity above 0, got 0"),
            ("{capacity_metric: 'x{a=\"b\"}'}", "rules[0].trend.capacity_metric", "is not a metric name; label matchers are not allowed here"),
            ("{capacity: 1, min_r2: 1.5}", "rules[0].trend.min_r2", "expected an R² from 0 to 1, got 1.5"),
            ("{capacity: 1, min_samples: 1}", "rules[0].trend.min_samples", "expected a whole number from 2 to 100000, got 1"),
        ])
    func trend(trend: String, path: String, message: String) {
        let found = issue(at: path, in: issues("rules:\n  - {name: a, metric: m, trend: \(trend)}"))
        #expect(found?.message.contains(message) == true, "\(found?.message ?? "")")
    }

    @Test("a full trend decodes with its defaults filled in")
    func trendDecodes() throws {
        let rule = try configuration("rules:\n  - {name: a, metric: gpu_memory_used_bytes, trend: {capacity: 8e10, exhaustion_within: 1h, min_samples: 10}}")
            .rule("a")
        #expect(
            rule?.condition
                == .trend(TrendCondition(capacity: .fixed(8e10), window: .seconds(600), exhaustionWithin: .seconds(3600), minimumR2: 0.8, minimumSamples: 10)))
    }

    @Test("rule names are unique; a built-in's name replaces it only once")
    func duplicateRuleNames() {
        let found = issues("rules:\n  - {name: a, metric: m, above: 1}\n  - {name: a, metric: n, above: 2}")
        #expect(found.map(\.path) == ["rules[1].name"])
        #expect(found.first?.message == "rule name \"a\" is already used by rules[0]; rule names must be unique")
        #expect(found.first?.line == 3)
        let builtin = issues("rules:\n  - {name: cpu_overload, metric: m, above: 1}\n  - {name: cpu_overload, metric: n, above: 2}")
        #expect(builtin.map(\.path) == ["rules[1].name"])
    }

    @Test(
        "severity lists the allowed values and suggests the closest",
        arguments: [
            ("urgent", nil), ("critcal", "did you mean \"critical\"?"), ("Warning", "did you mean \"warning\"?"),
        ] as [(String, String?)])
    func severity(value: String, suggestion: String?) {
        let found = issue(at: "rules[0].severity", in: issues("rules:\n  - {name: a, metric: m, above: 1, severity: \(value)}"))
        #expect(found?.message == "expected one of info, warning, critical, got \"\(value)\"")
        #expect(found?.suggestion == suggestion)
    }

    @Test("labels add equality matchers to the selector; a contradiction is a problem")
    func labels() throws {
        let rule = try configuration("rules:\n  - {name: a, metric: 'gpu_memory_used_percent{gpu!=\"1\"}', labels: {host: a, gpu: 0}, above: 1}").rule("a")
        #expect(
            rule?.selector == MetricSelector("gpu_memory_used_percent", [.init("gpu", .notEqual, "1"), .init("host", .equal, "a"), .init("gpu", .equal, "0")]))
        let same = try configuration("rules:\n  - {name: a, metric: 'm{gpu=\"0\"}', labels: {gpu: '0'}, above: 1}").rule("a")
        #expect(same?.selector == MetricSelector("m", [.init("gpu", .equal, "0")]))
        let conflict = issue(at: "rules[0].labels.gpu", in: issues("rules:\n  - {name: a, metric: 'm{gpu=\"0\"}', labels: {gpu: 1}, above: 1}"))
        #expect(conflict?.message == "the metric selector already requires gpu=\"0\"; a series cannot also have gpu=\"1\"")
        let badName = issue(at: "rules[0].labels.2gpu", in: issues("rules:\n  - {name: a, metric: m, labels: {2gpu: x}, above: 1}"))
        #expect(badName?.message.hasPrefix("\"2gpu\" is not a label name") == true)
    }

    @Test("malformed selectors are reported at the metric key")
    func malformedSelector() {
        let found = issue(at: "rules[0].metric", in: issues("rules:\n  - {name: a, metric: 'cpu{cpu=0}', above: 1}"))
        #expect(found?.message == "the value of label cpu must be quoted: cpu=\"0\"")
        #expect(found?.line == 2)
    }

    @Test("a rule's selector may match labels by regular expression")
    func regexSelector() throws {
        let rule = try configuration("rules:\n  - {name: a, metric: 'gpu_memory_used_percent{gpu=~\"0|1\",kind!~\"mig.*\"}', above: 1}").rule("a")
        let selector = try #require(rule?.selector)
        #expect(selector == MetricSelector("gpu_memory_used_percent", [.init("gpu", .matchesRegex, "0|1"), .init("kind", .notMatchesRegex, "mig.*")]))
        #expect(selector.matches(SeriesKey("gpu_memory_used_percent", Labels(["gpu": "1", "kind": "full"]))))
        #expect(!selector.matches(SeriesKey("gpu_memory_used_percent", Labels(["gpu": "10"]))))
        #expect(!selector.matches(SeriesKey("gpu_memory_used_percent", Labels(["gpu": "0", "kind": "mig-1g"]))))
    }

    @Test("a bad regular expression or a name-less selector in a rule is reported at the metric key")
    func regexSelectorProblems() {
        let invalid = issue(at: "rules[0].metric", in: issues("rules:\n  - {name: a, metric: 'm{gpu=~\"(0\"}', above: 1}"))
        #expect(invalid?.message.hasPrefix("the regular expression \"(0\" of label gpu is not valid") == true, "\(invalid?.message ?? "")")
        let nameless = issue(at: "rules[0].metric", in: issues("rules:\n  - {name: a, metric: '{__name__=~\"gpu_.*\"}', above: 1}"))
        #expect(nameless?.message == "expected a metric name such as cpu_used_percent before the braces, got \"{__name__=~\"gpu_.*\"}\"")
    }

    // MARK: - Warnings

    @Test("a rule name outside [a-z0-9_] loads with a warning and a suggestion")
    func ruleNameWarning() throws {
        let loaded = try load("rules:\n  - {name: Disk-Full, metric: m, above: 1}")
        #expect(loaded.configuration.rule("Disk-Full") != nil)
        #expect(loaded.warnings.map(\.path) == ["rules[0].name"])
        #expect(loaded.warnings.first?.suggestion == "for example \"disk_full\"")
    }

    @Test("unknown summary placeholders are warnings; {label:NAME} and literal braces are fine")
    func summaryPlaceholders() throws {
        let loaded = try load("rules:\n  - {name: a, metric: m, above: 1, summary: '{valu} over {threshold} on {label:gpu} ({\"x\": 1})'}")
        #expect(loaded.warnings.count == 1)
        #expect(loaded.warnings.first?.message == "unknown placeholder {valu} will be shown as written")
        #expect(loaded.warnings.first?.suggestion == "did you mean {value}?")
    }

    @Test("enabled: false on a name that is no built-in warns, with the closest built-in")
    func switchOffNothing() throws {
        let loaded = try load("rules:\n  - {name: memroy_leak, enabled: false}")
        #expect(loaded.warnings.first?.message == "switches nothing off: there is no built-in rule named \"memroy_leak\"")
        #expect(loaded.warnings.first?.suggestion == "did you mean \"memory_leak\"?")
        #expect(loaded.configuration.rule("memory_leak") != nil)
    }

    // MARK: - Settings

    @Test(
        "settings are checked beyond their type",
        arguments: [
            (
                "collectors: {disabled: [cpu, gpuu]}", "collectors.disabled",
                "\"gpuu\" is not a collector; the collectors are cpu, memory, load, cgroup, pressure, nvidia, amdgpu"
            ),
            ("collectors: {root: host}", "collectors.root", "expected an absolute directory such as / or /host, got \"host\""),
            (
                "collectors: {cgroup_path: docker/abc}", "collectors.cgroup_path",
                "expected a path below the cgroup mount starting with /, such as /docker/abc, got \"docker/abc\""
            ),
            (
                "collectors: {nvml_library: libnvidia-ml.so.1}", "collectors.nvml_library",
                "expected an absolute path such as /usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1, got \"libnvidia-ml.so.1\""
            ),
            ("hostname: ''", "hostname", "must not be empty; remove the key to use the system's host name"),
            ("channels:\n  - {type: jsonlog, path: ''}", "channels[0].path", "must not be empty; use - (or remove the key) for standard output"),
            ("channels:\n  - {type: console, stream: stdlog}", "channels[0].stream", "expected one of stdout, stderr, got \"stdlog\""),
        ])
    func settingChecks(yaml: String, path: String, message: String) {
        #expect(issue(at: path, in: issues(yaml))?.message == message)
    }

    @Test("collectors, alerting and log decode")
    func settingsDecode() throws {
        let configuration = try configuration(
            """
            hostname: gpu-01
            collectors: {root: /host, timeout: 500ms, disabled: [load, pressure], cgroup_path: /docker/abc, nvml_library: /opt/nvidia/libnvidia-ml.so.1}
            alerting: {repeat_interval: 0, inhibit: off, stale_after: 2m, flapping: {window: 5m, max_changes: 0}}
            log: {level: debug, format: json}
            """)
        #expect(configuration.hostname == "gpu-01")
        #expect(
            configuration.collectors
                == .init(
                    root: "/host", timeout: .milliseconds(500), disabled: [.load, .pressure], cgroupPath: "/docker/abc",
                    nvmlLibrary: "/opt/nvidia/libnvidia-ml.so.1"))
        #expect(configuration.policy == .init(repeatInterval: .zero, flapWindow: .seconds(300), flapMaxChanges: 0, inhibit: false, staleAfter: .seconds(120)))
        #expect(configuration.log == .init(level: .debug, format: .json))
    }

    // MARK: - Channels

    @Test("unknown channel types list the known ones", arguments: [("pagerduty", nil), ("consol", "did you mean \"console\"?")] as [(String, String?)])
    func unknownChannelType(type: String, suggestion: String?) {
        let found = issue(at: "channels[0].type", in: issues("channels:\n  - type: \(type)"))
        #expect(
            found?.message
                == "unknown channel type \"\(type)\"; the channel types are console, jsonlog, webhook, slack, wecom, dingtalk, feishu, exec, sound, alertmanager, email"
        )
        #expect(found?.suggestion == suggestion)
    }

    @Test("channel names default to the type, then type:2, type:3; explicit names are unique")
    func channelNames() throws {
        let channels = try configuration(
            "channels:\n  - type: console\n  - {type: jsonlog, name: audit}\n  - {type: console, stream: stderr}\n  - type: console"
        ).channels
        #expect(channels.map(\.name) == ["console", "audit", "console:2", "console:3"])
        let found = issues("channels:\n  - {type: console, name: out}\n  - {type: jsonlog, name: out}")
        #expect(found.map(\.path) == ["channels[1].name"])
        #expect(
            issue(at: "channels[0]", in: issues("channels:\n  - {name: x}"))?.message
                == "a channel needs a `type`: one of console, jsonlog, webhook, slack, wecom, dingtalk, feishu, exec, sound, alertmanager, email")
    }

    @Test("channels decode with every key")
    func channelsDecode() throws {
        let channels = try configuration(
            """
            channels:
              - {type: console, name: ops, enabled: false, min_severity: warning, send_resolved: false, stream: stderr, color: never}
              - {type: jsonlog, path: /var/log/headroom/alerts.jsonl}
            """
        ).channels
        #expect(
            channels == [
                ChannelConfiguration(
                    name: "ops", enabled: false, minimumSeverity: .warning, sendResolved: false, settings: .console(.init(stream: .stderr, color: .never))),
                ChannelConfiguration(name: "jsonlog", settings: .jsonlog(.init(path: "/var/log/headroom/alerts.jsonl"))),
            ])
        #expect(try configuration("channels: []").channels.isEmpty)
    }

    // MARK: - YAML

    @Test(
        "YAML syntax errors carry Yams' message and line",
        arguments: [
            ("interval: 5s\nrules:\n  - name: [unclosed\n", 4),
            ("rules:\n  - name: a\n   metric: b\n", 3),
            ("interval: 5s\nlog: {level: info\n", 3),
        ])
    func syntaxError(yaml: String, line: Int) {
        let found = issues(yaml)
        #expect(found.count == 1)
        #expect(found.first?.line == line, "\(found)")
        #expect(found.first?.message.hasPrefix("not valid YAML: ") == true)
    }

    @Test("tabs in indentation get a hint")
    func tabs() {
        let found = issues("collectors:\n\troot: /host\n")
        #expect(found.first?.suggestion == "indent with spaces: YAML does not allow tabs in indentation")
    }

    @Test("a key written twice in one mapping is a problem")
    func duplicateKey() {
        let found = issues("interval: 5s\nlog: {level: info}\ninterval: 6s\n")
        #expect(found.count == 1)
        #expect(found.first?.message == "key \"interval\" appears more than once in the same mapping")
        #expect(found.first?.line == 1)
    }
}
