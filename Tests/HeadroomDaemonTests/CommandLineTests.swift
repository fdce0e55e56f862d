import Foundation
import Testing
import HeadroomTesting

extension ProcessTests {
    /// The real `headroom` binary: exit codes, messages, signals.
    @Suite("Command line")
    struct CommandLineTests {
        @Test("config validate reports every problem with its line and exits 2")
        func validateInvalid() async throws {
            let directory = try TemporaryDirectory()
            let path = try directory.write(
                "bad.yaml",
                """
                interval: soon
                rules:
                  - name: cpu_overload
                    metric: cpu_used_percent
                    abve: 90
                    severity: urgent
                channels:
                  - type: pager
                """)
            let (status, _, stderr) = try await HeadroomProcess.run(["config", "validate", path])
            #expect(status == 2)
            #expect(stderr.contains("bad.yaml:1"))
            #expect(stderr.contains("interval"))
            #expect(stderr.contains("abve"))
            #expect(stderr.contains("above")) // did you mean
            #expect(stderr.contains("urgent"))
            #expect(stderr.contains("pager"))
        }

        @Test("config validate accepts the embedded default and says what it found")
        func validateDefault() async throws {
            let directory = try TemporaryDirectory()
            let (defaultStatus, yaml, _) = try await HeadroomProcess.run(["config", "default"])
            #expect(defaultStatus == 0)
            let path = try directory.write("default.yaml", yaml)
            let (status, stdout, stderr) = try await HeadroomProcess.run(["config", "validate", path])
            #expect(status == 0, "\(stderr)")
            #expect(stdout.contains("valid"))
        }

        @Test("config show applies environment overrides")
        func show() async throws {
            let (status, stdout, _) = try await HeadroomProcess.run(
                ["config", "show"], environment: ["HEADROOM_CPU_WARN_PERCENT": "77", "HEADROOM_INTERVAL": "2s"])
            #expect(status == 0)
            #expect(stdout.contains("77"))
            #expect(stdout.contains("2s"))
        }

        @Test("an invalid environment override exits 2 naming the variable")
        func badEnvironment() async throws {
            let (status, _, stderr) = try await HeadroomProcess.run(["run"], environment: ["HEADROOM_INTERVAL": "soon"])
            #expect(status == 2)
            #expect(stderr.contains("HEADROOM_INTERVAL"))
        }

        @Test("check exits 0 on this idle machine with perfdata")
        func checkOK() async throws {
            let (status, stdout, _) = try await HeadroomProcess.run(["check", "--delay", "200ms"])
            #expect([0, 1].contains(status), "\(stdout)") // a shared CI host may be busy; never critical or unknown
            #expect(stdout.hasPrefix("HEADROOM "))
            #expect(stdout.contains("'cpu_used_percent'="))
            #expect(stdout.contains("'memory_used_percent'="))
        }

        @Test("check --format json is valid JSON with the status and exit code")
        func checkJSON() async throws {
            let (status, stdout, _) = try await HeadroomProcess.run(["check", "--delay", "200ms", "--format", "json"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
            #expect(object["exit_code"] as? Int == Int(status))
            #expect((object["metrics"] as? [String: Any])?["memory_used_percent"] != nil)
        }

        @Test("check exits 2 CRITICAL when a critical threshold is crossed")
        func checkCritical() async throws {
            let directory = try TemporaryDirectory()
            // Any machine has memory in use: a rule that is always breached.
            let path = try directory.write(
                "critical.yaml",
                """
                default_rules: false
                rules:
                  - {name: memory_any, metric: memory_used_percent, above: 0, severity: critical}
                """)
            let (status, stdout, _) = try await HeadroomProcess.run(["check", "--config", path, "--delay", "100ms"])
            #expect(status == 2)
            #expect(stdout.hasPrefix("HEADROOM CRITICAL - memory_any:"))
        }

        @Test("check exits 3 UNKNOWN on an invalid configuration")
        func checkUnknown() async throws {
            let directory = try TemporaryDirectory()
            let path = try directory.write("bad.yaml", "interval: [1, 2]\n")
            let (status, stdout, _) = try await HeadroomProcess.run(["check", "--config", path])
            #expect(status == 3)
            #expect(stdout.hasPrefix("HEADROOM UNKNOWN"))
        }

        @Test("SIGHUP reloads a valid file, rejects an invalid one and keeps running; SIGTERM exits 0")
        func reloadAndTerminate() async throws {
            let directory = try TemporaryDirectory()
            let path = try directory.write("headroom.yaml", "interval: 200ms\nlog: {level: debug}\n")
            let daemon = try HeadroomProcess(["run", "--config", path])
            defer { daemon.signal(SIGKILL) }
            try await daemon.waitFor("SIGHUP to be trapped") { _, err in err.contains("reloading on SIGHUP is armed") }

            _ = try directory.write("headroom.yaml", "interval: 300ms\nlog: {level: debug}\nrules:\n  - {name: extra, metric: load1, above: 1000}\n")
            daemon.signal(SIGHUP)
            try await daemon.waitFor("reload") { _, err in err.contains("configuration reloaded") }
            #expect(daemon.stderr.contains("interval=300ms"))

            _ = try directory.write("headroom.yaml", "interval: never\n")
            daemon.signal(SIGHUP)
            try await daemon.waitFor("rejection") { _, err in err.contains("reload rejected") }
            #expect(daemon.isRunning)

            daemon.signal(SIGTERM)
            #expect(try await daemon.wait() == 0)
            #expect(daemon.stderr.contains("headroom stopped"))
        }

        @Test("--help carries examples")
        func help() async throws {
            for command in [["--help"], ["run", "--help"], ["check", "--help"], ["config", "validate", "--help"]] {
                let (status, stdout, _) = try await HeadroomProcess.run(command)
                #expect(status == 0)
                #expect(stdout.contains("EXAMPLES"), "\(command)")
            }
        }
    }
}
