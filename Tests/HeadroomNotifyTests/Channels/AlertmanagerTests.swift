import Foundation
import HeadroomCore
import HeadroomNotify
import Testing

@Suite("Alertmanager channel")
struct AlertmanagerTests {
    @Test("posts to every Alertmanager, re-sends firing alerts with endsAt four intervals ahead, resolved with its resolve time")
    func resend() async throws {
        let server = try Receiver.plain.get()
        let id = UUID().uuidString
        let endpoints = ["a", "b"].map { HTTPEndpoint(url: Secret(server.url("/am/\(id)-\($0)")), timeout: .seconds(5)) }
        let notifier = AlertmanagerNotifier(channel: "am", configuration: AlertmanagerConfiguration(endpoints: endpoints, resendInterval: .milliseconds(200)),
                                            transport: LiveHTTPTransport())
        let firing = sampleNotification()
        let sentAt = Date()
        try await notifier.deliver(firing)
        let deliveredAt = Date()
        var received: [Receiver.Received] = []
        let deadline = ContinuousClock.now + .seconds(10)
        while received.count < 4, ContinuousClock.now < deadline {   // two initial posts + a re-send to each
            received = try await server.requests(under: "/am/\(id)-a") + server.requests(under: "/am/\(id)-b")
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(received.count >= 4)
        let first = try #require((try JSONSerialization.jsonObject(with: Data(received[0].body)) as? [[String: Any]])?.first)
        #expect((first["labels"] as? [String: String]) == ["alertname": "cpu_overload", "severity": "warning", "instance": "gpu-01"])
        #expect(first["startsAt"] as? String == "2027-01-15T08:00:10.000Z")
        let endsAt = try #require((first["endsAt"] as? String).flatMap { ISO8601DateFormatter.withFractions.date(from: $0) })
        // The first post happened inside deliver(): endsAt is four intervals after it, whenever
        // a loaded machine let it go out.
        #expect(endsAt.timeIntervalSince(sentAt) >= 0.8 - 0.001 && endsAt.timeIntervalSince(deliveredAt) <= 0.8 + 0.001,
                "\(endsAt) against \(sentAt)…\(deliveredAt)")

        try await notifier.deliver(sampleNotification(.resolved))
        let resolved = try #require(try await server.requests(under: "/am/\(id)-a").last)
        let alert = try #require((try JSONSerialization.jsonObject(with: Data(resolved.body)) as? [[String: Any]])?.first)
        #expect(alert["endsAt"] as? String == "2027-01-15T08:06:33.000Z")
    }

    @Test("a 400 from Alertmanager is permanent, a 5xx retryable")
    func statuses() {
        #expect(ResponseClassifier.status(HTTPResponse(status: 400), channel: "am") == .permanent("am: HTTP 400"))
        #expect(ResponseClassifier.status(HTTPResponse(status: 503), channel: "am") == .retryable("am: HTTP 503"))
    }
}

extension ISO8601DateFormatter {
    static var withFractions: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
