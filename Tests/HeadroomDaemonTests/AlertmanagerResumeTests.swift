import Foundation
import HeadroomTesting
import Testing

extension ProcessTests {
    /// The Alertmanager channel re-sends firing alerts so that Alertmanager ends them by itself
    /// if headroom goes away (`endsAt` four re-send intervals ahead). A reload builds the
    /// channel anew and a restart starts a new process: neither may let an alert that still
    /// fires expire there.
    @Suite("Alertmanager across reloads and restarts")
    struct AlertmanagerResumeTests {
        @Test("an alert still firing keeps being re-sent to a real Alertmanager after a reload and after a restart")
        func resumed() async throws {
            let alertmanager = try AlertmanagerPeer()
            try #require(try await alertmanager.ready(), "Alertmanager did not become ready")
            let directory = try TemporaryDirectory()
            let config = try directory.write(
                "headroom.yaml",
                """
                interval: 200ms
                log: {level: debug}
                default_rules: false
                rules:
                  - {name: memory_any, metric: memory_used_percent, above: 0, severity: critical}
                channels:
                  - {type: alertmanager, url: "http://127.0.0.1:\(alertmanager.port)", resend_interval: 1s}
                """)
            let environment = ["HEADROOM_STATE_DIR": directory.path("state")]
            /// The alert's endsAt in Alertmanager: it moves four intervals past each post.
            func endsAt() async throws -> Date? {
                let alert = try await alertmanager.alerts().first { ($0["labels"] as? [String: String])?["alertname"] == "memory_any" }
                guard let ends = alert?["endsAt"] as? String else { return nil }
                return try Date(ends, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true))
            }
            /// Waits for two posts after `after` (the second cannot be a post already under way).
            func twoPosts(after before: Date, _ what: String, _ process: HeadroomProcess) async throws -> Date? {
                var last = before
                for post in 1...2 {
                    let seen = try await poll("\(what): post \(post)", every: .milliseconds(50), context: { process.stderr }) {
                        try await endsAt().flatMap { $0 > last ? $0 : nil }
                    }
                    guard let seen else { return nil }
                    last = seen
                }
                return last
            }

            // 1. The alert fires and reaches Alertmanager.
            let first = try HeadroomProcess(["run", "--config", config], environment: environment)
            defer { first.signal(SIGKILL) }
            _ = try #require(try await poll("the firing in Alertmanager", every: .milliseconds(50), context: { first.stderr }) { try await endsAt() })

            // 2. A reload builds every channel anew; the new one goes on re-sending.
            try await first.waitFor("SIGHUP to be trapped") { _, err in err.contains("reloading on SIGHUP is armed") }
            first.signal(SIGHUP)
            try await first.waitFor("the reload") { _, err in err.contains("configuration reloaded") }
            let reloaded = try #require(try await endsAt())
            #expect(try await twoPosts(after: reloaded, "re-sends after the reload", first) != nil)

            // 3. A graceful restart: the new process takes the alert up and re-sends it, same start.
            first.signal(SIGTERM)
            #expect(try await first.wait() == 0)
            let stopped = try #require(try await endsAt())
            let second = try HeadroomProcess(["run", "--config", config], environment: environment)
            defer { second.signal(SIGKILL) }
            try await second.waitFor("the restored state") { _, err in err.contains("alert state restored") }
            #expect(try await twoPosts(after: stopped, "re-sends after the restart", second) != nil)
            #expect(try await alertmanager.alerts().count == 1)
            second.signal(SIGTERM)
            #expect(try await second.wait() == 0)
        }
    }
}
