import HeadroomCollectors
import HeadroomConfig
import HeadroomCore
import HeadroomNotify
import Testing

@Suite("Configuration file lookup")
struct ConfigurationLoaderTests {
    @Test(
        "lookup order: --config, $HEADROOM_CONFIG, /etc/headroom/headroom.yaml, embedded default",
        arguments: [
            ("/a.yaml", ["HEADROOM_CONFIG": "/b.yaml"], true, "/a.yaml"),
            (nil, ["HEADROOM_CONFIG": "/b.yaml"], true, "/b.yaml"),
            ("", ["HEADROOM_CONFIG": "/b.yaml"], true, "/b.yaml"),
            (nil, ["HEADROOM_CONFIG": ""], true, "/etc/headroom/headroom.yaml"),
            (nil, [:], true, "/etc/headroom/headroom.yaml"),
            (nil, [:], false, nil),
        ] as [(String?, [String: String], Bool, String?)])
    func locate(explicitPath: String?, environment: [String: String], systemFileExists: Bool, expected: String?) {
        let found = ConfigurationLoader.locate(explicitPath: explicitPath, environment: environment) {
            $0 == ConfigurationLoader.systemPath && systemFileExists
        }
        #expect(found == expected)
    }

    @Test("the example from the issue loads; its rules replace the built-ins of the same names")
    func issueExample() throws {
        let loaded = try load(
            """
            interval: 5s
            rules:
              - name: gpu_memory_high
                metric: gpu_memory_used_percent
                at_least: 80
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
            """)
        #expect(loaded.warnings.isEmpty)
        let configuration = loaded.configuration
        #expect(configuration.rules.count == BuiltinRulesTests.expected.count)
        #expect(configuration.rule("gpu_memory_high")?.clear == nil) // replaced entirely, not merged
        #expect(configuration.rule("gpu_memory_high")?.family == "gpu_memory_used_percent")
        #expect(configuration.channels.map(\.name) == ["console", "jsonlog"])
    }
}
