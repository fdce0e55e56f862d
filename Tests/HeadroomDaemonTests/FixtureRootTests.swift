import Foundation
import Testing
import HeadroomTesting

extension ProcessTests {
    /// The real binary reading a recorded host through `collectors.root`, as it would read a
    /// host's `/proc` and `/sys` mounted under `/host` in a container.
    @Suite("Binary on fixture roots")
    struct FixtureRootTests {
        static func fixture(_ scenario: String) -> String {
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("HeadroomCollectorsTests/Fixtures/hosts/\(scenario)").path
        }

        @Test("check on a cgroup v2 container under memory pressure exits CRITICAL and names the rule")
        func checkPressure() async throws {
            let (status, stdout, _) = try await HeadroomProcess.run(
                ["check", "--delay", "100ms"], environment: ["HEADROOM_COLLECTORS_ROOT": Self.fixture("cgroup-v2-container")])
            #expect(status == 2, "\(stdout)")
            #expect(stdout.hasPrefix("HEADROOM CRITICAL - memory_pressure_stall:"))
            #expect(stdout.contains("scope=\"container\""))
            #expect(stdout.contains("'container_memory_used_percent'=68.75%;90;97;0;100"))
            #expect(stdout.contains("'memory_used_percent'="))
        }

        @Test("check on a bare host with nothing wrong exits OK")
        func checkBare() async throws {
            let directory = try TemporaryDirectory()
            let path = try directory.write("quiet.yaml", "collectors: {root: \"\(Self.fixture("no-psi-kernel"))\"}\n")
            let (status, stdout, _) = try await HeadroomProcess.run(["check", "--config", path, "--delay", "100ms"])
            #expect(status == 0, "\(stdout)")
            #expect(stdout.hasPrefix("HEADROOM OK"))
        }

        @Test("run on a v1 container fixture alerts with the container's labels and describes its limits")
        func runV1() async throws {
            let directory = try TemporaryDirectory()
            let path = try directory.write(
                "v1.yaml",
                """
                interval: 200ms
                collectors: {root: "\(Self.fixture("cgroup-v1-container"))"}
                default_rules: false
                rules:
                  - {name: container_half_full, metric: container_memory_used_percent, at_least: 50, severity: critical}
                channels:
                  - {type: jsonlog, path: "-"}
                log: {level: debug}
                """)
            let daemon = try HeadroomProcess(["run", "--config", path])
            defer { daemon.signal(SIGKILL) }
            try await daemon.waitFor("the alert and three more rounds") { out, err in
                out.contains("container_half_full") && err.components(separatedBy: "round complete").count > 4
            }
            daemon.signal(SIGTERM)
            #expect(try await daemon.wait() == 0)
            let alerts = jsonLines(daemon.stdout)
            #expect(alerts.count == 1)
            let labels = alerts.first?["labels"] as? [String: String]
            #expect(labels == ["cgroup": "/docker/0b8f1c6e2d4a", "version": "v1"])
            #expect(alerts.first?["value"] as? Double == 50)
            #expect(daemon.stderr.contains("cgroup v1 /docker/0b8f1c6e2d4a: memory limit 2.0 GiB; cpu quota 1.50 cores"))
        }

        @Test("a kernel without PSI is one informative line with the remedy, not one per round")
        func noPSI() async throws {
            let directory = try TemporaryDirectory()
            let path = try directory.write(
                "nopsi.yaml",
                """
                interval: 200ms
                collectors: {root: "\(Self.fixture("no-psi-kernel"))"}
                log: {level: debug}
                """)
            let daemon = try HeadroomProcess(["run", "--config", path])
            defer { daemon.signal(SIGKILL) }
            try await daemon.waitFor("five rounds") { _, err in err.components(separatedBy: "round complete").count > 5 }
            daemon.signal(SIGTERM)
            #expect(try await daemon.wait() == 0)
            #expect(daemon.stderr.components(separatedBy: "PSI is not available").count == 2)
            #expect(daemon.stderr.contains("psi=1"))
            #expect(daemon.stdout.isEmpty)
        }
    }
}
