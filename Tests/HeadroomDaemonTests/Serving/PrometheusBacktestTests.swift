import Foundation
import HeadroomTesting
import Testing

extension ProcessTests {
    /// `headroom backtest --source http://…` against a real Prometheus that scraped the real
    /// binary while a fake GPU ramped and a supervised child crashed, beside the same replay
    /// from the daemon's own history file.
    @Suite("Backtest from Prometheus")
    struct PrometheusBacktestTests {
        /// 50 % → 98 % of 24 GiB in 500 ms steps from step 5 (2.5 s to 13 s after start), 5 s of
        /// it between 80 and 95 %. With a 2.5 s band, the replay from Prometheus once lacked the
        /// high warning under the full suite's load; most likely its real-time scrapes missed the
        /// band, so the GPU seemed to jump to critical, which inhibits high.
        static func scenario() -> String {
            let total = 25_769_803_776.0
            var lines = ["gpus 1", "gpu 0 name NVIDIA L4", "gpu 0 total \(Int(total))", "gpu 0 used \(Int(total * 0.5))", "auto_step_ms 500"]
            var steps = (0...9).map { 0.5 + 0.03 * Double($0) } // 50 … 77 %
            steps += (0...9).map { 0.8 + 0.015 * Double($0) } // 80 … 93.5 %
            steps += [0.96, 0.98]
            for (step, fraction) in steps.enumerated() { lines.append("at \(5 + step) gpu 0 used \(Int(total * fraction))") }
            return lines.joined(separator: "\n") + "\n"
        }

        /// The rule overrides the daemon ran with, which the backtests replay with too.
        static let rules = ["HEADROOM_INTERVAL": "1s", "HEADROOM_RULES_GPU_MEMORY_HIGH_FOR": "1s"]

        /// kind → (rule → lead seconds) of a backtest's JSON.
        static func warnings(_ json: String) throws -> [String: [String: Double]] {
            let document = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let incidents = try #require(document["incidents"] as? [[String: Any]])
            var out: [String: [String: Double]] = [:]
            for incident in incidents {
                let kind = try #require(incident["kind"] as? String)
                for warning in incident["warned_by"] as? [[String: Any]] ?? [] {
                    out[kind, default: [:]][warning["rule"] as? String ?? ""] = warning["lead_seconds"] as? Double
                }
                if out[kind] == nil { out[kind] = [:] }
            }
            return out
        }

        @Test("the crash found in headroom_child_crashes_total, warned by gpu_memory_high/critical, as the local replay says")
        func replaysFromPrometheus() async throws {
            let clock = ContinuousClock()
            let began = clock.now
            let directory = try TemporaryDirectory()
            let state = try TemporaryDirectory()
            let fake = try FakeNVML(scenario: Self.scenario())
            let port = try freeLoopbackPort()
            let (server, webPort) = try await PrometheusScrapeTests.startPrometheus(scraping: port, directory)

            let started = Date()
            var environment = Self.rules
            environment["LD_LIBRARY_PATH"] = fake.directory
            environment["HEADROOM_STATE_DIR"] = state.url.path
            environment["HEADROOM_HISTORY_FLUSH_INTERVAL"] = "1s"
            environment["HEADROOM_COLLECTORS_DISABLED"] = "cpu,memory,load,pressure,amdgpu"
            environment["HEADROOM_SERVER_LISTEN"] = "127.0.0.1:\(port)"
            // The daemon outlives the crash (a restart far away) so Prometheus scrapes the count.
            let script = "sleep 16; echo 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB' >&2; exit 1"
            let daemon = try HeadroomProcess(
                ["run", "--restart", "on-failure", "--restart-delay", "30", "--", "sh", "-c", script], environment: environment)
            let crashed = try await poll("headroom_child_crashes_total 1 in Prometheus", timeout: .seconds(60)) { () async -> Bool? in
                let series = await PrometheusScrapeTests.query("headroom_child_crashes_total", port: webPort)
                return series?.first.flatMap(PrometheusScrapeTests.value).map { $0 >= 1 } == true ? true : nil
            }
            #expect(crashed == true, "\(daemon.stderr.suffix(3000))")
            daemon.signal(SIGTERM)
            _ = try await daemon.wait(timeout: .seconds(30))
            let recorded = clock.now - began

            let from = String(Int(started.timeIntervalSince1970) - 5)
            let to = String(Int(Date().timeIntervalSince1970) + 1)
            var replay = Self.rules
            replay["HEADROOM_STATE_DIR"] = state.url.path
            let remoteStart = clock.now
            let remote = try await HeadroomProcess.run(
                ["backtest", "--source", "http://127.0.0.1:\(webPort)", "--from", from, "--to", to, "--format", "json"], environment: replay)
            let remoteTook = clock.now - remoteStart
            let local = try await HeadroomProcess.run(
                ["backtest", "--source", "local", "--from", from, "--to", to, "--format", "json"], environment: replay)
            try await server.stop()
            if ProcessInfo.processInfo.environment["HEADROOM_TEST_VERBOSE"] != nil { print("remote \(remote.1)\nlocal \(local.1)") }
            print("prometheus backtest: recording \(recorded), remote backtest \(remoteTook), total \(clock.now - began)")

            #expect(remote.0 == 0, "\(remote.2)\n\(remote.1)")
            #expect(local.0 == 0, "\(local.2)\n\(local.1)")
            let remoteWarnings = try Self.warnings(remote.1)
            let localWarnings = try Self.warnings(local.1)
            let crash = try #require(remoteWarnings["child_crashed"], "\(remote.1)")
            #expect(crash["gpu_memory_high"].map { $0 > 0 } == true, "\(remote.1)")
            #expect(crash["gpu_memory_critical"].map { $0 > 0 } == true, "\(remote.1)")
            #expect(Set(remoteWarnings.keys) == Set(localWarnings.keys), "remote \(remote.1)\nlocal \(local.1)")
            // The GPU rules the scenario drives (a collector stalling on a loaded machine once
            // warned in one replay only, 114 s "early": not what this test is about).
            for (kind, all) in localWarnings {
                let rules = all.filter { $0.key.hasPrefix("gpu_memory") }
                let other = (remoteWarnings[kind] ?? [:]).filter { $0.key.hasPrefix("gpu_memory") }
                #expect(Set(rules.keys) == Set(other.keys), "\(kind): local \(rules), remote \(other)")
                for (rule, lead) in rules {
                    // One scrape interval (1 s), plus the rounding of the printed leads.
                    #expect(abs(lead - (other[rule] ?? -100)) <= 1.01, "\(kind) \(rule): local \(lead), remote \(String(describing: other[rule]))")
                }
            }
        }

        @Test("a Prometheus-API error answer: exit 2, naming the URL and the server's error text")
        func errorAnswer() async throws {
            // Headroom's own history API with history switched off answers 503 in Prometheus' shape.
            let daemon = try HeadroomProcess(
                ["run"], environment: ["HEADROOM_HISTORY_ENABLED": "false", "HEADROOM_COLLECTORS_DISABLED": "cpu,load,pressure,amdgpu,nvidia"])
            let port = try await daemon.servingPort()
            let result = try await HeadroomProcess.run(
                ["backtest", "--source", "http://127.0.0.1:\(port)/", "--from", "10m", "--format", "json"], environment: ["HEADROOM_INTERVAL": "1s"])
            daemon.signal(SIGTERM)
            _ = try await daemon.wait()
            #expect(result.0 == 2, "\(result.1)\(result.2)")
            #expect(result.2.contains("http://127.0.0.1:\(port)/api/v1/query_range"), "\(result.2)")
            #expect(result.2.contains("HTTP 503") && result.2.contains("history is disabled"), "\(result.2)")
        }

        @Test("https with a private CA and client certificates: --ca-file, --cert-file and --key-file reach the server")
        func mutualTLS() async throws {
            // Headroom's own history API stands in for Prometheus, behind TLS that asks for a client certificate.
            let tls = try await TLSFixture.shared.get()
            let directory = try TemporaryDirectory()
            let config = try directory.write(
                "headroom.yaml",
                """
                interval: 1s
                collectors:
                  disabled: [cpu, load, pressure, amdgpu, nvidia]
                server:
                  tls: {cert_file: \(tls.serverCertificate), key_file: \(tls.serverKey), client_ca_file: \(tls.caCertificate)}
                """)
            let daemon = try HeadroomProcess(["run", "--config", config])
            defer { daemon.signal(SIGKILL) }
            let url = try await daemon.servingURL()
            #expect(url.hasPrefix("https://"))
            func backtest(_ options: [String]) async throws -> (Int32, String, String) {
                try await HeadroomProcess.run(
                    ["backtest", "--config", config, "--source", url, "--from", "10m", "--format", "json"] + options)
            }

            let (status, stdout, stderr) = try await backtest([
                "--ca-file", tls.caCertificate, "--cert-file", tls.clientCertificate, "--key-file", tls.clientKey,
            ])
            #expect(status == 0, "\(stderr)")
            #expect(stdout.contains(#""incidents""#), "\(stdout)")
            // Without the client certificate the server refuses; without the CA it is not trusted.
            for options in [["--ca-file", tls.caCertificate], ["--cert-file", tls.clientCertificate, "--key-file", tls.clientKey]] {
                let (code, _, message) = try await backtest(options)
                #expect(code == 2, "\(options): \(message)")
                #expect(message.contains("\(url)/api/v1/query_range"), "\(options): \(message)")
            }
            let (code, _, message) = try await backtest(["--cert-file", tls.clientCertificate])
            #expect(code == 2)
            #expect(message.contains("--cert-file and --key-file go together"), "\(message)")
        }
    }
}
