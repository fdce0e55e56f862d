import Foundation
import HeadroomDaemon
import HeadroomTesting
import Testing

extension ServingTests {
    /// `/` and `/assets/…` in-process: the embedded page, its headers and validators; and
    /// what `/api/v1/status` gives the page beside the samples.
    @Suite("Dashboard routes")
    struct DashboardRoutesTests {
        @Test("GET / is the embedded page with a same-origin-only policy; assets revalidate with their ETag; an unknown asset is 404")
        func pageAndAssets() async throws {
            let fake = try FakeNVML(scenario: ServingTests.scenario)
            let harness = try DaemonHarness(yaml: ServingTests.yaml(fake), collectors: nil)
            let server = try await ServedServer(try #require(harness.daemon.server))
            let page = try await server.request("/")
            #expect(page.status == 200)
            #expect(page.headers["content-type"] == "text/html; charset=utf-8")
            #expect(page.body.contains(#"<script src="assets/dashboard.js" defer></script>"#))
            let policy = try #require(page.headers["content-security-policy"])
            #expect(policy.contains("default-src 'none'") && policy.contains("script-src 'self'") && policy.contains("connect-src 'self'"))
            #expect(page.headers["x-content-type-options"] == "nosniff")
            // Nothing on the page or in its script points anywhere but this origin.
            for path in ["/", "/assets/dashboard.js", "/assets/dashboard.css"] {
                let body = try await server.request(path).body
                #expect(!body.contains("http://") && !body.contains("https://") && !body.contains("//cdn"), "\(path) refers elsewhere")
            }

            let library = try await server.request("/assets/dygraph.min.js")
            #expect(library.status == 200 && library.headers["content-type"] == "text/javascript; charset=utf-8")
            #expect(library.body.hasPrefix("/*! @license") && library.body.count > 100_000)
            #expect(!library.body.contains("sourceMappingURL"))
            let etag = try #require(library.headers["etag"])
            let again = try await server.request("/assets/dygraph.min.js", headers: ["If-None-Match": etag])
            #expect(again.status == 304 && again.body.isEmpty)
            let changed = try await server.request("/assets/dygraph.min.js", headers: ["If-None-Match": "\"0\""])
            #expect(changed.status == 200)
            let licence = try await server.request("/assets/dygraphs-LICENSE.txt")
            #expect(licence.status == 200 && licence.body.contains("MIT"))
            #expect(try await server.request("/assets/../headroom.yaml").status == 404)
            #expect(try await server.request("/assets/nothing.js").status == 404)
            try await server.stop()
        }

        @Test("/api/v1/status carries the start, uptime, why not ready, the rules' thresholds and matchers, and the daemon's own memory")
        func statusForThePage() async throws {
            let fake = try FakeNVML(scenario: ServingTests.scenario)
            let harness = try DaemonHarness(yaml: ServingTests.yaml(fake), collectors: nil)
            let server = try await ServedServer(try #require(harness.daemon.server))
            fake.setStep(1) // 96 %: gpu_memory_critical (a gating rule) fires at once
            await harness.tick(0)
            harness.clock.advance(by: .seconds(4))
            let body = try await server.request("/api/v1/status").body
            let status = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            #expect(status["started_at"] is String)
            #expect(status["uptime_seconds"] as? Double == 4)
            #expect(status["ready"] as? Bool == false)
            #expect((status["ready_reason"] as? String)?.hasPrefix("gating alert firing: gpu_memory_critical{") == true, "\(status)")
            let rules = try #require(status["rules"] as? [[String: Any]])
            let critical = try #require(rules.first { $0["name"] as? String == "gpu_memory_critical" })
            #expect(critical["metric"] as? String == "gpu_memory_used_percent")
            #expect(critical["condition"] as? String == "≥" && critical["threshold"] as? Double == 95)
            #expect(critical["severity"] as? String == "critical" && critical["gate"] as? Bool == true)
            let stall = try #require(rules.first { $0["name"] as? String == "memory_pressure_stall" })
            let matchers = stall["matchers"] as? [[String: String]] ?? []
            #expect(matchers.contains(["label": "kind", "op": "=", "value": "full"]), "\(matchers)")
            let leak = try #require(rules.first { $0["name"] as? String == "gpu_memory_leak" })
            #expect(leak["condition"] as? String == "trend" && leak["threshold"] == nil)
            let process = try #require(status["process"] as? [String: Any])
            #expect((process["resident_bytes"] as? Double ?? 0) > 1_000_000)
            try await server.stop()
        }
    }
}
