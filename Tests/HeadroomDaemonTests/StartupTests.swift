import Foundation
import HeadroomTesting
import Testing

extension ProcessTests {
    /// The first hour of a newcomer, through the real binary: what it says when a resource
    /// it needs at start is unusable, and what a restart in the middle of an incident sends.
    @Suite("Startup and restart")
    struct StartupTests {
        /// Runs `headroom run` to its exit and returns (status, stderr, seconds taken).
        static func failedStart(_ environment: [String: String], timeout: Duration = .seconds(30)) async throws -> (Int32, String, Double) {
            let started = ContinuousClock.now
            let process = try HeadroomProcess(["run"], environment: environment)
            let status = try await process.wait(timeout: timeout)
            let elapsed = started.duration(to: .now)
            return (status, process.stderr, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }

        @Test("a taken port: exit 2 within 5 s, one line naming the address, the key and the ways out")
        func portTaken() async throws {
            let first = try HeadroomProcess(["run"])
            let port = try await first.servingPort()
            let (status, stderr, seconds) = try await Self.failedStart(["HEADROOM_SERVER_LISTEN": "127.0.0.1:\(port)"])
            first.signal(SIGTERM)
            #expect(try await first.wait() == 0)
            #expect(status == 2)
            #expect(seconds < 5)
            let lines = stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(stderr)")
            let line = String(lines.first ?? "")
            #expect(line.hasPrefix("headroom: cannot listen on 127.0.0.1:\(port) (server.listen, HEADROOM_SERVER_LISTEN): Address already in use"))
            #expect(line.contains("server.listen: 127.0.0.1:0"))
            #expect(line.contains("server.enabled: false"))
        }

        @Test("a second daemon on the same state directory refuses to start and names the first one's PID")
        func oneDaemonPerStateDirectory() async throws {
            let directory = try TemporaryDirectory()
            let state = directory.path("state")
            let first = try HeadroomProcess(["run"], environment: ["HEADROOM_STATE_DIR": state])
            _ = try await first.servingPort()
            let (status, stderr, _) = try await Self.failedStart(["HEADROOM_STATE_DIR": state])
            #expect(status == 2)
            #expect(
                stderr == "headroom: another headroom (PID \(first.pid)) is already using the state directory "
                    + "\(state) (state_dir, HEADROOM_STATE_DIR); stop it, or give this daemon a state_dir of its own\n")
            first.signal(SIGTERM)
            #expect(try await first.wait() == 0)
            // Once the first is gone, the directory is free again.
            let third = try HeadroomProcess(["run"], environment: ["HEADROOM_STATE_DIR": state])
            _ = try await third.servingPort()
            third.signal(SIGTERM)
            #expect(try await third.wait() == 0)
        }

        @Test(
            "unusable resources at start: one line naming the key, the value and the remedy, exit 2, nothing started",
            arguments: [
                (
                    ["HEADROOM_STATE_DIR": "/etc/passwd/headroom"],
                    "headroom: cannot create the state directory /etc/passwd/headroom (state_dir, HEADROOM_STATE_DIR): Not a directory; "
                ),
                (
                    ["HEADROOM_COLLECTORS_NVML_LIBRARY": "/nonexistent/libnvidia-ml.so.1"],
                    "headroom: collectors.nvml_library (HEADROOM_COLLECTORS_NVML_LIBRARY) is /nonexistent/libnvidia-ml.so.1, which does not exist; "
                ),
                (
                    ["HEADROOM_COLLECTORS_ROOT": "/nonexistent-host"],
                    "headroom: collectors.root (HEADROOM_COLLECTORS_ROOT) is /nonexistent-host, which is not a directory; "
                ),
                (
                    [
                        "HEADROOM_SERVER_LISTEN": "127.0.0.1:1", "HEADROOM_SERVER_TLS_CERT_FILE": "/nonexistent.pem",
                        "HEADROOM_SERVER_TLS_KEY_FILE": "/nonexistent.key",
                    ],
                    "headroom: server.tls"
                ),
            ])
        func unusableResource(environment: [String: String], prefix: String) async throws {
            let (status, stderr, _) = try await Self.failedStart(environment)
            #expect(status == 2)
            #expect(stderr.hasPrefix(prefix), "\(stderr)")
            #expect(!stderr.contains("started"), "\(stderr)")
        }

        @Test("a state directory whose disk does not answer: exit 2 after 30 s, one line naming state_dir, the file stuck and the remedy")
        func hungStateDirectory() async throws {
            let directory = try TemporaryDirectory()
            let state = directory.path("state")
            // Opening it blocks like a hard network mount whose server went away.
            try HangingFile.make(at: state + "/alert-state.json")
            let (status, stderr, seconds) = try await Self.failedStart(["HEADROOM_STATE_DIR": state], timeout: .seconds(120))
            #expect(status == 2)
            #expect(seconds >= 30)
            #expect(
                stderr
                    == "headroom: the state directory \(state) (state_dir, HEADROOM_STATE_DIR) does not answer: reading \(state)/alert-state.json has not finished in 30s; check the disk or the network mount it is on, or set state_dir to a directory on a local disk\n"
            )
        }

        /// GPU 0 of 24 GiB at `percent`.
        static func gpu(_ percent: Double) -> String {
            let total = 24 * 1024 * 1024 * 1024.0
            return "gpus 1\ngpu 0 name NVIDIA L4\ngpu 0 uuid GPU-5eed\ngpu 0 total \(Int(total))\ngpu 0 used \(Int(total * percent / 100))\n"
        }

        @Test("restarts while a GPU alert fires deliver exactly one firing and one resolved, with the whole incident's start and peak")
        func restartContinuesIncident() async throws {
            let directory = try TemporaryDirectory()
            let state = directory.path("state")
            let port = try freeLoopbackPort()
            let receiver = try DurableDeliveryTests.Receiver(port: port)
            func run(_ fake: FakeNVML, name: String) throws -> HeadroomProcess {
                let config = try directory.write(
                    "\(name).yaml",
                    """
                    interval: 200ms
                    log: {level: debug}
                    collectors:
                      disabled: [cpu, memory, load, cgroup, pressure, amdgpu]
                      nvml_library: \(fake.libraryPath)
                    channels:
                      - {type: webhook, name: hook, url: "http://127.0.0.1:\(port)/hook", timeout: 2s}
                    """)
                return try HeadroomProcess(["run", "--config", config], environment: ["HEADROOM_STATE_DIR": state])
            }
            func rounds(_ process: HeadroomProcess) -> Int { process.stderr.components(separatedBy: "round complete").count - 1 }

            // 1. 96 %: gpu_memory_critical fires and is delivered.
            let high = try FakeNVML(scenario: Self.gpu(96))
            let first = try run(high, name: "first")
            _ = try await poll("the firing at the receiver", every: .milliseconds(50), context: { first.stderr }) {
                try await receiver.requests().count >= 1 ? true : nil
            }
            first.signal(SIGTERM)
            #expect(try await first.wait() == 0)

            // 2. A graceful restart, still at 96 %: the incident continues (the critical firing, the
            //    warning's 10 s hold pending under it), nothing is sent.
            let secondSpawned = Date()
            let second = try run(high, name: "second")
            try await second.waitFor("the restored state") { _, err in err.contains("alert state restored") }
            let restoredAt = rounds(second)
            try await second.waitFor("ten rounds after the restore") { _, _ in rounds(second) >= restoredAt + 10 }
            second.signal(SIGTERM)
            #expect(try await second.wait() == 0)
            let secondLived = Date().timeIntervalSince(secondSpawned)
            #expect(second.stderr.contains("alert state restored (saved "), "\(second.stderr)")
            #expect(second.stderr.contains("1 firing, 1 pending"), "\(second.stderr)")

            // 3. Another restart, now at 50 %: the alert resolves, once.
            let low = try FakeNVML(scenario: Self.gpu(50))
            let third = try run(low, name: "third")
            _ = try await poll("the resolved at the receiver", every: .milliseconds(50), context: { third.stderr }) {
                try await receiver.requests().count >= 2 ? true : nil
            }
            try await third.waitFor("five more rounds") { _, _ in rounds(third) >= 5 }
            third.signal(SIGTERM)
            #expect(try await third.wait() == 0)

            let requests = try await receiver.requests()
            #expect(
                requests.map { "\($0.body["status"] as? String ?? "?"):\($0.body["rule"] as? String ?? "?")" }
                    == ["firing:gpu_memory_critical", "resolved:gpu_memory_critical"])
            let firing = try #require(requests.first?.body)
            let resolved = try #require(requests.last?.body)
            #expect(resolved["since"] as? String == firing["since"] as? String)
            #expect(resolved["fired_at"] as? String == firing["fired_at"] as? String)
            #expect((resolved["peak"] as? Double).map { $0 > 95.9 } == true, "\(resolved)")
            // The incident began before the second run was spawned and resolved after it exited:
            // its duration covers that whole run (measured here, not assumed from the interval).
            #expect((resolved["duration"] as? Double).map { $0 >= secondLived } == true, "\(secondLived) s: \(resolved)")
        }
    }
}
