import Foundation
import HeadroomNotify
import Testing
import HeadroomTesting

extension ProcessTests {
    /// The real binary on this real machine: a real CPU load must raise the overload warning
    /// within three samples, and an idle machine must stay silent. Serialized, because a
    /// busy-loop in one test would be load for the other.
    @Suite("Real host", .serialized)
    struct RealHostTests {
        static let config = """
            interval: 250ms
            channels:
              - type: jsonlog
                path: "-"
            log:
              level: debug
            """

        /// Rounds completed so far, from the daemon's debug log.
        static func rounds(_ stderr: String) -> Int {
            stderr.components(separatedBy: "round complete").count - 1
        }

        @Test("a real CPU load raises cpu_overload within 3 samples of the load")
        func overload() async throws {
            let directory = try TemporaryDirectory()
            let path = try directory.write("headroom.yaml", Self.config)
            // One busy loop per CPU (plus one) pins the machine.
            let cores = ProcessInfo.processInfo.activeProcessorCount
            var hogs: [Subprocess] = []
            // SIGKILL: the test runner may pass SIGTERM down as ignored.
            defer {
                for hog in hogs {
                    hog.signal(SIGKILL)
                    _ = hog.wait()
                }
            }
            let daemon = try HeadroomProcess(["run", "--config", path])
            defer { daemon.signal(SIGKILL) }
            // Wait for the first rounds before loading the machine.
            try await daemon.waitFor("the daemon to start") { _, err in err.contains("headroom 0.1.0 started") }
            for _ in 0...cores {
                hogs.append(try Subprocess(["/bin/sh", "-c", "while :; do :; done"]))
            }
            let roundsAtLoad = Self.rounds(daemon.stderr)
            let fired = try await daemon.waitFor("cpu_overload", timeout: .seconds(15)) { out, _ in
                jsonLines(out).contains { $0["rule"] as? String == "cpu_overload" && $0["status"] as? String == "firing" }
            }
            #expect(fired)
            let alert = try #require(jsonLines(daemon.stdout).first { $0["rule"] as? String == "cpu_overload" })
            #expect((alert["value"] as? Double ?? 0) > 90)
            #expect(alert["severity"] as? String == "warning")
            // Three overloaded samples, plus the round whose CPU delta straddles the start of the load.
            let roundsToFire = Self.rounds(daemon.stderr) - roundsAtLoad
            #expect(roundsToFire <= 4, "overload warning took \(roundsToFire) rounds")
            for hog in hogs { hog.signal(SIGKILL) }
            daemon.signal(SIGTERM)
            #expect(try await daemon.wait() == 0)
        }

        @Test("a quiet run on a real host raises no false alarm from the default rules")
        func idle() async throws {
            let directory = try TemporaryDirectory()
            let path = try directory.write("headroom.yaml", Self.config)
            // CPU is the one resource other test suites running in parallel really do pin
            // (servers starting, builds): `cpu_overload` firing then is right, not a false
            // alarm, and the overload test above covers it. Every other default rule (memory,
            // cgroup, PSI, leaks, collectors, GPUs) must stay silent on this real host.
            let daemon = try HeadroomProcess(["run", "--config", path], environment: ["HEADROOM_RULES_CPU_OVERLOAD_ENABLED": "false"])
            try await daemon.waitFor("the daemon to start") { _, err in err.contains("started") }
            // Twelve rounds: every 3-sample rule has had its chance several times over.
            try await daemon.waitFor("12 rounds") { _, err in Self.rounds(err) >= 12 }
            daemon.signal(SIGTERM)
            #expect(try await daemon.wait() == 0)
            #expect(daemon.stdout.isEmpty, "idle run emitted:\n\(daemon.stdout)")
            #expect(daemon.stderr.contains("headroom stopped"))
        }
    }
}
