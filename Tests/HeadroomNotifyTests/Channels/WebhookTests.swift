import Foundation
import HeadroomCore
import HeadroomNotify
import HeadroomTesting
import Testing

@Suite("Webhook channel")
struct WebhookTests {
    static let fixedTime = Date(timeIntervalSince1970: 1_800_000_020)

    func notifier(_ url: String, _ change: (inout WebhookConfiguration) -> Void = { _ in }) -> WebhookNotifier {
        var configuration = WebhookConfiguration(
            endpoint: HTTPEndpoint(url: Secret(url), timeout: .seconds(5)),
            signingSecret: Secret(Receiver.secrets["webhook_secret"]!))
        change(&configuration)
        return WebhookNotifier(channel: "hook", configuration: configuration, transport: LiveHTTPTransport(), timeZone: utc)
    }

    @Test("posts the JSON log schema with Idempotency-Key, timestamp and a signature the receiver verifies")
    func signed() async throws {
        let server = try await Receiver.plain.get()
        let id = "/hook/signed-\(UUID().uuidString)"
        let notification = sampleNotification()
        try await notifier(server.url(id)).deliver(notification)
        let received = try #require(try await server.requests(under: id).first)
        var schema = AlertJSON.encode(notification, timeZone: utc)
        schema.removeLast()
        #expect(received.bodyText == schema + ",\"idempotency_key\":\"\(DeliveryContext.key(for: notification))\"}")
        #expect(received.header("Content-Type") == "application/json")
        #expect(received.header("Idempotency-Key") == DeliveryContext.key(for: notification))
        let timestamp = try #require(received.header("X-Headroom-Timestamp"))
        let signature = try #require(received.header("X-Headroom-Signature"))
        // Recompute independently with swift-crypto and compare in constant time.
        let expected = HMACSHA256.mac(key: Array("webhook-hmac-secret".utf8), message: Array((timestamp + ":").utf8) + received.body)
        #expect(HMACSHA256.hex(expected) == signature)
    }

    @Test("a wrong signing secret is refused by the receiver (401) and reported as permanent")
    func wrongSecret() async throws {
        let server = try await Receiver.plain.get()
        let webhook = notifier(server.url("/hook/wrong-\(UUID().uuidString)")) { $0.signingSecret = Secret("not-the-secret") }
        await #expect(throws: DeliveryError.permanent("hook: HTTP 401: bad signature")) { try await webhook.deliver(sampleNotification()) }
    }

    @Test(
        "status classification: 5xx, 429 and 408 retry; other 4xx are permanent",
        arguments: [
            (500, true), (503, true), (429, true), (408, true), (400, false), (404, false), (410, false),
        ])
    func statuses(status: Int, retryable: Bool) async throws {
        let server = try await Receiver.plain.get()
        let webhook = notifier(server.url("/hook/s-\(UUID().uuidString)/status/\(status)"))
        do {
            try await webhook.deliver(sampleNotification())
            Issue.record("expected a failure for \(status)")
        } catch {
            if case .retryable = error { #expect(retryable) } else { #expect(!retryable) }
            #expect(error.reason == "hook: HTTP \(status): status \(status)")
        }
    }

    @Test("bearer and basic authorization, custom headers; none of them appear in errors")
    func authorization() async throws {
        let server = try await Receiver.plain.get()
        let id = "/hook/auth-\(UUID().uuidString)"
        try await notifier(server.url(id)) {
            $0.authorization = .bearer(Secret("tok-123"))
            $0.headers = [.init(name: "X-Team", value: Secret("infra"))]
        }.deliver(sampleNotification())
        try await notifier(server.url(id)) { $0.authorization = .basic(username: "alice", password: Secret("pa:ss")) }.deliver(sampleNotification())
        let received = try await server.requests(under: id)
        #expect(received.map { $0.header("Authorization") } == ["Bearer tok-123", "Basic " + Data("alice:pa:ss".utf8).base64EncodedString()])
        #expect(received.first?.header("X-Team") == "infra")
        let failing = notifier(server.url("/hook/x/status/500")) { $0.authorization = .bearer(Secret("tok-123")) }
        do { try await failing.deliver(sampleNotification()) } catch { #expect(!error.description.contains("tok-123")) }
    }

    @Test("golden bodies: JSON schema, Alertmanager v4, and a user template", arguments: ["json", "alertmanager", "template"])
    func golden(variant: String) throws {
        let webhook = notifier("https://hooks.example.com/x") { configuration in
            if variant == "alertmanager" { configuration.format = .alertmanager }
            if variant == "template" { configuration.bodyTemplate = #"{"text": {{summary}}, "sev": {{severity}}, "v": {{value}}, "key": {{idempotency_key}}}"# }
        }
        for kind in [AlertNotification.Kind.firing, .resolved] {
            let notification = sampleNotification(kind)
            let request = try webhook.request(notification, context: DeliveryContext(notification), at: Self.fixedTime)
            try Golden.check(request.body, "webhook-\(variant)-\(kind.rawValue).json")
            _ = try JSONSerialization.jsonObject(with: Data(request.body))
            #expect(request.header("X-Headroom-Timestamp") == "1800000020")
            #expect(
                request.header("X-Headroom-Signature") == WebhookPayload.signature(secret: "webhook-hmac-secret", timestamp: "1800000020", body: request.body))
        }
    }
}
