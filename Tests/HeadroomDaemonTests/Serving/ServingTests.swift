import Foundation
import HeadroomCore
import HeadroomDaemon
import HeadroomNotify
@testable import HeadroomServer
import HeadroomTesting
import Synchronization
import Testing

/// The HTTP endpoints in-process: a daemon built from configuration (fake NVML GPU behind
/// it), its server on a free loopback port, real HTTP requests.
@Suite("Serving")
struct ServingTests {
    static let gib = 1024.0 * 1024 * 1024

    static func yaml(_ fake: FakeNVML, extra: String = "") -> String {
        """
        interval: 2s
        hostname: gpu-node-7
        collectors:
          disabled: [cpu, memory, load, cgroup, pressure, amdgpu]
          nvml_library: \(fake.libraryPath)
        server:
          listen: 127.0.0.1:0
        \(extra)
        channels: []
        """
    }

    /// GPU 0 of 24 GiB at 50 % (step 0), 96 % (step 1), 50 % again (step 2).
    static let scenario = """
        gpus 1
        gpu 0 name NVIDIA L4
        gpu 0 uuid GPU-5eed
        gpu 0 bus 00000000:01:00.0
        gpu 0 total 25769803776
        gpu 0 used 12884901888
        gpu 0 power 30250
        gpu 0 smclock 1980
        at 1 gpu 0 used 24739011379
        at 2 gpu 0 used 12884901888
        """

    @Test("/readyz flips to 503 with the reason while gpu_memory_critical fires, and back to 200 when it resolves")
    func readinessGate() async throws {
        let fake = try FakeNVML(scenario: Self.scenario)
        let harness = try DaemonHarness(yaml: Self.yaml(fake), collectors: nil)
        let server = try await ServedServer(try #require(harness.daemon.server))
        defer { Task { try? await server.stop() } }

        await harness.tick(0)
        var ready = try await server.request("/readyz")
        #expect(ready.status == 200 && ready.body.contains(#""status":"ready""#))

        fake.setStep(1)
        await harness.tick(2)
        ready = try await server.request("/readyz")
        #expect(ready.status == 503)
        #expect(ready.body.contains(#""status":"not_ready""#))
        #expect(ready.body.contains("gating alert firing: gpu_memory_critical"))
        let alerts = try await server.request("/api/v1/alerts")
        #expect(alerts.body.contains(#""rule":"gpu_memory_critical""#) && alerts.body.contains(#""gate":true"#))

        fake.setStep(2)
        await harness.tick(4)
        ready = try await server.request("/readyz")
        #expect(ready.status == 200)
        try await server.stop()
    }

    @Test("/metrics renders the latest round (no collection per scrape), Prometheus text or OpenMetrics by Accept")
    func metrics() async throws {
        let fake = try FakeNVML(scenario: Self.scenario)
        let harness = try DaemonHarness(yaml: Self.yaml(fake), collectors: nil)
        let server = try await ServedServer(try #require(harness.daemon.server))
        await harness.tick(0)
        let callsAfterRound = fake.stat("device_calls")
        let page = try await server.request("/metrics")
        #expect(page.status == 200)
        #expect(page.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        // Date and Server, as Hummingbird's Application sets them (HTTPDate, no per-second task).
        #expect(page.headers["server"] == "headroom")
        let date = try #require(page.headers["date"])
        let sent = Int(Date().timeIntervalSince1970)
        #expect((sent - 5...sent).map(HTTPDate.format).contains(date), "\(date)")
        #expect(page.body.contains("# TYPE headroom_gpu_memory_used_bytes gauge"))
        #expect(page.body.contains(#"headroom_gpu_memory_used_percent{"#))
        #expect(
            page.body.contains(
                #"DCGM_FI_DEV_FB_USED{Hostname="gpu-node-7",UUID="GPU-5eed",device="nvidia0",gpu="0",modelName="NVIDIA L4",pci_bus_id="00000000:01:00.0"} 12288"#
            ), "12 GiB in MiB")
        #expect(page.body.contains("process_resident_memory_bytes "))
        for _ in 0..<5 { _ = try await server.request("/metrics") }
        #expect(fake.stat("device_calls") == callsAfterRound, "a scrape must not call the driver")

        // The next round replaces the cached page: new values, the new alert.
        fake.setStep(1)
        await harness.tick(2)
        let next = try await server.request("/metrics")
        #expect(!next.body.contains("pci_bus_id=\"00000000:01:00.0\"} 12288\n"))
        #expect(next.body.contains(#"headroom_alerts{alertname="gpu_memory_critical",alertstate="firing""#))

        let openMetrics = try await server.request("/metrics", headers: ["Accept": "application/openmetrics-text; version=1.0.0"])
        #expect(openMetrics.headers["content-type"]?.hasPrefix("application/openmetrics-text") == true)
        #expect(openMetrics.body.hasSuffix("# EOF\n"))
        try await server.stop()
    }

    @Test("/healthz reports the age of the latest round; status, alerts and the OpenAPI document are JSON")
    func healthAndAPI() async throws {
        let fake = try FakeNVML(scenario: Self.scenario)
        let harness = try DaemonHarness(yaml: Self.yaml(fake), collectors: nil)
        let server = try await ServedServer(try #require(harness.daemon.server))
        await harness.tick(0)
        let health = try await server.request("/healthz")
        // The harness clock stands at the start; the round is stamped 0 s after it.
        #expect(health.status == 200 && health.body.contains(#""last_sample_age_seconds":0"#))
        let status = try await server.request("/api/v1/status")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(status.body.utf8)) as? [String: Any])
        #expect(document["hostname"] as? String == "gpu-node-7")
        #expect((document["samples"] as? [[String: Any]])?.contains { $0["name"] as? String == "gpu_memory_used_bytes" } == true)
        let openAPI = try await server.request("/api/v1/openapi.json")
        let spec = try #require(try JSONSerialization.jsonObject(with: Data(openAPI.body.utf8)) as? [String: Any])
        #expect(spec["openapi"] as? String == "3.1.0")
        #expect((spec["paths"] as? [String: Any])?.keys.contains("/readyz") == true)
        try await server.stop()
    }

    @Test("/healthz over a socket: 503 'stalled' once the latest round is older than three intervals (at least 10 s), 200 again after the next round")
    func healthStalled() async throws {
        let fake = try FakeNVML(scenario: Self.scenario)
        let harness = try DaemonHarness(yaml: Self.yaml(fake), collectors: nil)
        let server = try await ServedServer(try #require(harness.daemon.server))
        await harness.tick(0)
        #expect(try await server.request("/healthz").status == 200)

        // interval 2s: the limit is max(3 × 2 s, 10 s) = 10 s. At 10 s the loop still counts as alive.
        harness.clock.advance(by: .seconds(10))
        let edge = try await server.request("/healthz")
        #expect(edge.status == 200 && edge.body.contains(#""last_sample_age_seconds":10"#), "\(edge.body)")

        harness.clock.advance(by: .seconds(1))
        let stalled = try await server.request("/healthz")
        #expect(stalled.status == 503)
        #expect(stalled.headers["content-type"]?.hasPrefix("application/json") == true)
        #expect(stalled.body.contains(#""status":"stalled""#) && stalled.body.contains(#""limit_seconds":10"#), "\(stalled.body)")

        await harness.tick(11)
        let again = try await server.request("/healthz")
        #expect(again.status == 200 && again.body.contains(#""status":"ok""#), "\(again.body)")
        try await server.stop()
    }

    @Test("a state file that cannot be written: counted on /metrics, alert_state_save_failed fires naming the file and resolves once a write succeeds")
    func stateSaveMetrics() async throws {
        let fake = try FakeNVML(scenario: Self.scenario)
        let directory = try TemporaryDirectory()
        let yaml = Self.yaml(fake).replacingOccurrences(of: "channels: []", with: "channels:\n  - type: console")
        let harness = try DaemonHarness(yaml: yaml, collectors: nil, stateDirectory: directory.url.path)
        let server = try await ServedServer(try #require(harness.daemon.server))
        /// Waits for the state file's thread: its samples once `value` says so.
        func saver(_ name: String, reaches value: Double) async throws {
            _ = try await poll("\(name) = \(value)", timeout: .seconds(20), every: .milliseconds(10)) {
                harness.daemon.alerts.stateSaveSamples.first { $0.name == name && $0.value == value }
            }
        }
        func stateAlerts() -> [String] {
            harness.notifier.received.filter { $0.alert.rule == "alert_state_save_failed" }.map { "\($0.kind)" }
        }

        await harness.tick(0) // 50 %: nothing to save
        var page = try await server.request("/metrics").body
        #expect(page.contains("headroom_alert_state_saves_total 0\n") && page.contains("headroom_alert_state_save_failing 0\n"))

        // The temporary file's path is a directory: the write fails.
        let blocker = directory.path(".alert-state.json.tmp")
        try FileManager.default.createDirectory(atPath: blocker, withIntermediateDirectories: false)
        fake.setStep(1)
        await harness.tick(2) // 96 %: gpu_memory_critical fires; its save fails
        try await saver("alert_state_save_failing", reaches: 1)
        #expect(stateAlerts().isEmpty, "rounds read the failure from the next one on")

        await harness.tick(4)
        #expect(stateAlerts() == ["firing"])
        let firing = try #require(harness.notifier.received.last { $0.alert.rule == "alert_state_save_failed" })
        #expect(firing.summary.contains(blocker), "\(firing.summary)")
        page = try await server.request("/metrics").body
        #expect(page.contains("headroom_alert_state_save_failures_total 1\n") && page.contains("headroom_alert_state_save_failing 1\n"))
        #expect(page.contains("headroom_alert_state_saves_total 0\n"))
        #expect(page.contains("# TYPE headroom_alert_state_save_failures_total counter"))

        // The path is free again; the firing alerts are saved at their next 30 s save, and the
        // round after that resolves the rule.
        try FileManager.default.removeItem(atPath: blocker)
        await harness.tick(34)
        try await saver("alert_state_save_failing", reaches: 0)
        await harness.tick(36)
        #expect(stateAlerts() == ["firing", "resolved"])
        page = try await server.request("/metrics").body
        #expect(page.contains("headroom_alert_state_saves_total 1\n") && page.contains("headroom_alert_state_save_failing 0\n"))
        #expect(FileManager.default.fileExists(atPath: directory.path("alert-state.json")))
        try await server.stop()
    }

    @Test("a state write that hangs fails nothing: after 10 s on the daemon's clock it counts as failed, and alert_state_save_failed fires naming the file")
    func hungStateSave() async throws {
        let fake = try FakeNVML(scenario: Self.scenario)
        let directory = try TemporaryDirectory()
        // The temporary file is a FIFO: the write blocks in open(2), as on a disk that stopped answering.
        try #require(mkfifo(directory.path(".alert-state.json.tmp"), 0o600) == 0)
        let yaml = Self.yaml(fake).replacingOccurrences(of: "channels: []", with: "channels:\n  - type: console")
        let harness = try DaemonHarness(yaml: yaml, collectors: nil, stateDirectory: directory.url.path)
        func stateAlerts() -> [AlertNotification] { harness.notifier.received.filter { $0.alert.rule == "alert_state_save_failed" } }

        fake.setStep(1)
        await harness.tick(0) // 96 %: gpu_memory_critical fires; its save hangs
        // Until the saver's thread, somewhere inside the hung write, has been in it 10 s.
        let seconds = try await harness.tickEvery2s(after: 0, until: 60) { stateAlerts().isEmpty }
        let firing = try #require(stateAlerts().first)
        #expect(firing.kind == .firing)
        #expect(firing.summary.contains("writing \(directory.path("alert-state.json")) has not finished in"), "\(firing.summary)")
        #expect(seconds >= 10, "not before 10 s of the daemon's clock")
        let page = harness.daemon.alerts.stateSaveSamples
        #expect(page.first { $0.name == "alert_state_save_failures_total" }?.value == 0, "a hang is not a failure")
        // A reader comes: the hung write goes on and fails (a FIFO cannot be fsync'd), now a
        // failure like any other. The reader stays open until then (no SIGPIPE for the writer).
        let reader = open(directory.path(".alert-state.json.tmp"), O_RDONLY | O_NONBLOCK)
        try #require(reader >= 0)
        defer { close(reader) }
        _ = try await poll("the hung write failed", timeout: .seconds(20), every: .milliseconds(10)) {
            var scratch = [UInt8](repeating: 0, count: 4096)
            while read(reader, &scratch, scratch.count) > 0 {}
            return harness.daemon.alerts.stateSaveSamples.first { $0.name == "alert_state_save_failures_total" && $0.value >= 1 }
        }
    }

    @Test("delivery self-metrics over a socket: attempts, successes, failures by reason, outbox depth and age while a failed delivery waits, then its retry")
    func deliveryMetrics() async throws {
        let fake = try FakeNVML(scenario: Self.scenario)
        let yaml = Self.yaml(fake).replacingOccurrences(of: "channels: []", with: "channels:\n  - type: console")
        let harness = try DaemonHarness(yaml: yaml, collectors: nil)
        let server = try await ServedServer(try #require(harness.daemon.server))
        func at(_ seconds: Double) { harness.clock.advance(to: harness.start.addingTimeInterval(seconds)) }

        await harness.tick(0)
        var page = try await server.request("/metrics").body
        #expect(page.contains("headroom_delivery_outbox_pending 0\n"), "nothing fires at 50 %")

        harness.notifier.failNext([.retryable("connection refused")])
        fake.setStep(1)
        at(2)
        await harness.tick(2) // 96 %: gpu_memory_critical fires; its delivery fails
        at(3)
        page = try await server.request("/metrics").body
        for line in [
            #"headroom_delivery_attempts_total{channel="console"} 1"#,
            #"headroom_delivery_successes_total{channel="console"} 0"#,
            #"headroom_delivery_failures_total{channel="console",reason="retryable"} 1"#,
            #"headroom_delivery_failures_total{channel="console",reason="permanent"} 0"#,
            "headroom_delivery_outbox_pending 1", "headroom_delivery_outbox_oldest_age_seconds 1",
        ] {
            #expect(page.contains(line + "\n"), "\(line)")
        }
        #expect(page.contains("# TYPE headroom_delivery_failures_total counter"))

        at(4)
        await harness.tick(4) // past the 1 s backoff: delivered
        page = try await server.request("/metrics").body
        for line in [
            #"headroom_delivery_attempts_total{channel="console"} 2"#,
            #"headroom_delivery_successes_total{channel="console"} 1"#,
            #"headroom_delivery_failures_total{channel="console",reason="retryable"} 1"#,
            "headroom_delivery_outbox_pending 0", "headroom_delivery_outbox_oldest_age_seconds 0", "headroom_delivery_outbox_writes_waiting 0",
        ] {
            #expect(page.contains(line + "\n"), "\(line)")
        }
        #expect(harness.received == ["firing:gpu_memory_critical"])
        try await server.stop()
    }

    @Test("mutating endpoints: refused without a configured token, 401 with a wrong one, through to the seam with the right one")
    func bearerToken() async throws {
        let fake = try FakeNVML(scenario: Self.scenario)
        let open = try DaemonHarness(yaml: Self.yaml(fake), collectors: nil)
        let openServer = try await ServedServer(try #require(open.daemon.server))
        #expect(try await openServer.request("/api/v1/silences", method: "POST", body: "{}").status == 403)
        #expect(try await openServer.request("/api/v1/silences").status == 200)
        try await openServer.stop()

        let token = "0123456789abcdef0123"
        let guarded = try DaemonHarness(yaml: Self.yaml(fake, extra: "  token: \(token)"), collectors: nil)
        let server = try await ServedServer(try #require(guarded.daemon.server))
        #expect(try await server.request("/api/v1/silences", method: "POST", body: "{}").status == 401)
        let wrong = try await server.request("/api/v1/silences", method: "POST", headers: ["Authorization": "Bearer 0123456789abcdef0124"], body: "{}")
        #expect(wrong.status == 401 && wrong.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
        let right = try await server.request("/api/v1/silences", method: "POST", headers: ["Authorization": "Bearer \(token)"], body: "{}")
        #expect(right.status == 501, "reaches the (empty) silences seam")
        #expect(try await server.request("/api/v1/silences/abc", method: "DELETE", headers: ["Authorization": "Bearer \(token)"]).status == 404)
        try await server.stop()
    }

    @Test("token_file: the token is read from the file at every mutation, so a rotated Secret applies at once; an unreadable file allows nothing")
    func tokenFile() async throws {
        let fake = try FakeNVML(scenario: Self.scenario)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headroom-token-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("token").path
        try "first-token-0123456789\n".write(toFile: file, atomically: true, encoding: .utf8)
        let harness = try DaemonHarness(yaml: Self.yaml(fake, extra: "  token_file: \(file)"), collectors: nil)
        let server = try await ServedServer(try #require(harness.daemon.server))
        func post(_ token: String) async throws -> Int {
            try await server.request("/api/v1/silences", method: "POST", headers: ["Authorization": "Bearer \(token)"], body: "{}").status
        }
        #expect(try await post("first-token-0123456789") == 501, "the trailing newline is not part of the token")
        try "second-token-0123456789\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try await post("first-token-0123456789") == 401)
        #expect(try await post("second-token-0123456789") == 501)
        try FileManager.default.removeItem(atPath: file)
        let gone = try await server.request("/api/v1/silences", method: "POST", headers: ["Authorization": "Bearer second-token-0123456789"], body: "{}")
        #expect(gone.status == 503 && gone.body.contains("token_file") && !gone.body.contains("second-token"))
        try await server.stop()

        // At start, a missing or too short token file stops the daemon with the file named.
        try "short\n".write(toFile: file, atomically: true, encoding: .utf8)
        let short = try DaemonHarness(yaml: Self.yaml(fake, extra: "  token_file: \(file)"), collectors: nil)
        #expect { _ = try short.daemon.serviceGroup() } throws: { error in
            String(describing: error) == "server.token_file \(file): a token of at least 16 characters is needed"
        }
    }

    @Test("silences API: create (token), list, expire; the file is the one `headroom silence` uses, and the pipeline honours it")
    func silences() async throws {
        let fake = try FakeNVML(scenario: Self.scenario)
        let directory = try TemporaryDirectory()
        let token = "0123456789abcdef0123"
        let harness = try DaemonHarness(
            yaml: Self.yaml(fake, extra: "  token: \(token)").replacingOccurrences(of: "channels: []", with: "channels:\n  - type: console"),
            collectors: nil, stateDirectory: directory.url.path)
        let server = try await ServedServer(try #require(harness.daemon.server))
        let auth = ["Authorization": "Bearer \(token)"]
        let bad = try await server.request("/api/v1/silences", method: "POST", headers: auth, body: #"{"matchers": ["gpu~0"]}"#)
        #expect(bad.status == 400 && bad.body.contains("expected NAME=VALUE"))
        let created = try await server.request(
            "/api/v1/silences", method: "POST", headers: auth,
            body: #"{"matchers": ["alertname=gpu_memory_critical"], "duration": "2h", "comment": "model swap"}"#)
        #expect(created.status == 201)
        let id = try #require(created.body.split(separator: "\"").dropFirst(3).first.map(String.init))
        let listed = try await server.request("/api/v1/silences")
        #expect(listed.status == 200 && listed.body.contains(#""comment":"model swap""#) && listed.body.contains(id))
        // The pipeline reads the same file: the critical alert is silenced, not delivered.
        fake.setStep(1)
        await harness.tick(2)
        #expect(!harness.notifier.received.contains { $0.alert.rule == "gpu_memory_critical" })
        #expect(try await server.request("/metrics").body.contains(#"headroom_delivery_silenced_total{channel="console"} 1"#))
        let expired = try await server.request("/api/v1/silences/\(id)", method: "DELETE", headers: auth)
        #expect(expired.status == 200)
        #expect(try await server.request("/api/v1/silences").body == "[]")

        // A create with an id of the client's: sent again (a timeout, a 503) it is applied once.
        let body = #"{"matchers": ["alertname=cpu_overload"], "duration": "1h", "id": "deploy-42"}"#
        let first = try await server.request("/api/v1/silences", method: "POST", headers: auth, body: body)
        #expect(first.status == 201 && first.body == #"{"id":"deploy-42"}"#)
        let again = try await server.request("/api/v1/silences", method: "POST", headers: auth, body: body)
        #expect(again.status == 200 && again.body == #"{"id":"deploy-42"}"#)
        #expect(try await server.request("/api/v1/silences").body.components(separatedBy: #""id":"deploy-42""#).count == 2)
        let other = try await server.request(
            "/api/v1/silences", method: "POST", headers: auth, body: #"{"matchers": ["gpu=0"], "id": "deploy-42"}"#)
        #expect(other.status == 409 && other.body.contains("silence deploy-42 exists already"))
        let badID = try await server.request("/api/v1/silences", method: "POST", headers: auth, body: #"{"matchers": ["gpu=0"], "id": "a b"}"#)
        #expect(badID.status == 400 && badID.body.contains("expected 1 to 64 letters"))
        try await server.stop()
    }
}

@Suite("HTTP Date header")
struct HTTPDateTests {
    @Test(
        "IMF-fixdate (RFC 9110) across epochs, leap days and the day before 1970",
        arguments: [
            (0, "Thu, 01 Jan 1970 00:00:00 GMT"), (1_796_303_707, "Thu, 03 Dec 2026 13:15:07 GMT"),
            (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"), (4_102_444_799, "Thu, 31 Dec 2099 23:59:59 GMT"),
            (-1, "Wed, 31 Dec 1969 23:59:59 GMT"),
        ])
    func format(seconds: Int, expected: String) {
        #expect(HTTPDate.format(seconds) == expected)
        #expect(HTTPDate().header(secondsSince1970: seconds) == expected)
    }
}
