import Foundation
import HeadroomCore
import HeadroomNotify
import HeadroomTesting
import Testing

/// The alertmanager channel against a real Alertmanager (Debian's prometheus-alertmanager,
/// installed by .ci/run), verified through its own API.
@Suite("Real Alertmanager")
struct RealAlertmanagerTests {
    @Test("a pushed firing alert is active in Alertmanager with our labels; the resolved one ends it")
    func pushed() async throws {
        let server = try AlertmanagerPeer()
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
