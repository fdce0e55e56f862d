import Foundation
import HeadroomCore
import HeadroomNotify
import HeadroomTesting
import Testing

/// The alertmanager channel against a real Alertmanager (Debian's prometheus-alertmanager,
/// installed by .ci/run), verified through its own API.
@Suite("Real Alertmanager")
struct RealAlertmanagerTests {

    final class Server {
        let process: Subprocess
        let port: Int
        let directory: String

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("headroom-am-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try "route: {receiver: blackhole}\nreceivers: [{name: blackhole}]\n".write(toFile: directory + "/am.yml", atomically: true, encoding: .utf8)
            let (_, output) = try Subprocess.run([
                try TestPeer.python(), "-c", "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])",
            ])
            port = Int(String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            process = try Subprocess(
                [
                    try TestPeer.path("prometheus-alertmanager", package: "prometheus-alertmanager"),
                    "--config.file=\(directory)/am.yml", "--storage.path=\(directory)/data",
                    "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address=",
                ], standardOutput: .null, standardError: .null)
        }

        func get(_ path: String) async throws -> HTTPResponse {
            try await LiveHTTPTransport().send(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)\(path)"), tls: TLSSettings(), timeout: .seconds(2))
        }

        /// Waits (bounded) until Alertmanager answers /-/ready.
        func ready() async throws -> Bool {
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline {
                if let response = try? await get("/-/ready"), response.status == 200 { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            return false
        }

        func alerts() async throws -> [[String: Any]] {
            (try JSONSerialization.jsonObject(with: Data(try await get("/api/v2/alerts").body)) as? [[String: Any]]) ?? []
        }

        deinit {
            process.signal(SIGTERM)
            _ = process.wait()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    @Test("a pushed firing alert is active in Alertmanager with our labels; the resolved one ends it")
    func pushed() async throws {
        let server = try Server()
        try #require(try await server.ready(), "Alertmanager did not become ready")
        let notifier = AlertmanagerNotifier(
            channel: "am",
            configuration: AlertmanagerConfiguration(
                endpoints: [HTTPEndpoint(url: Secret("http://127.0.0.1:\(server.port)"), timeout: .seconds(5))]), transport: LiveHTTPTransport())
        let now = Date()
        var alert = Alert(
            rule: "gpu_memory_high", severity: .critical, family: "gpu", metric: "gpu_memory_used_percent", labels: ["gpu": "0"],
            condition: .above(90), value: 97, peak: 98, since: now.addingTimeInterval(-30), firedAt: now.addingTimeInterval(-20))
        try await notifier.deliver(AlertNotification(kind: .firing, alert: alert, time: now, host: "gpu-01"))
        let active = try await server.alerts()
        let found = try #require(active.first)
        #expect(found["labels"] as? [String: String] == ["alertname": "gpu_memory_high", "severity": "critical", "instance": "gpu-01", "gpu": "0"])
        #expect((found["status"] as? [String: Any])?["state"] as? String == "active")
        #expect((found["annotations"] as? [String: String])?["value"] == "97.0%")

        alert.resolvedAt = Date().addingTimeInterval(-1)
        alert.value = 40
        try await notifier.deliver(AlertNotification(kind: .resolved, alert: alert, time: Date(), host: "gpu-01"))
        #expect(try await server.alerts().isEmpty)
    }
}
