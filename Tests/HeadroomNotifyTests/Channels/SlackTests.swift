import Foundation
import HeadroomCore
import HeadroomNotify
import HeadroomTesting
import Testing

@Suite("Slack channel")
struct SlackTests {
    func notifier(_ url: String) -> SlackNotifier {
        SlackNotifier(
            channel: "slack", configuration: SlackConfiguration(endpoint: HTTPEndpoint(url: Secret(url), timeout: .seconds(5))),
            transport: LiveHTTPTransport(), timeZone: utc)
    }

    @Test("posts text and blocks; the stand-in answers ok")
    func delivers() async throws {
        let server = try await Receiver.plain.get()
        let id = "/slack/ok-\(UUID().uuidString)"
        try await notifier(server.url(id)).deliver(sampleNotification(.resolved))
        let received = try #require(try await server.requests(under: id).first)
        #expect((received.json["text"] as? String)?.hasPrefix("[RESOLVED] WARNING cpu_overload on gpu-01") == true)
        #expect((received.json["blocks"] as? [[String: Any]])?.count == 2)
    }

    @Test("a second message within a second gets 429 with Retry-After, which is retryable")
    func rateLimit() async throws {
        let server = try await Receiver.plain.get()
        let slack = notifier(server.url("/slack/burst-\(UUID().uuidString)"))
        try await slack.deliver(sampleNotification())
        await #expect(throws: DeliveryError.retryable("slack: HTTP 429 (Retry-After 1): rate_limited")) {
            try await slack.deliver(sampleNotification())
        }
    }

    @Test("Slack's error texts are permanent and quoted", arguments: ["channel_not_found", "no_service"])
    func errors(text: String) async throws {
        let server = try await Receiver.plain.get()
        await #expect(throws: DeliveryError.permanent("slack: HTTP 404: \(text)")) {
            try await notifier(server.url("/slack/e-\(UUID().uuidString)/\(text)")).deliver(sampleNotification())
        }
    }

    @Test("200 with a body other than ok is not success")
    func notOK() {
        #expect(
            SlackPayload.classify(HTTPResponse(status: 200, body: Array("invalid_token".utf8)), channel: "slack")
                == .permanent("slack: Slack answered invalid_token instead of ok"))
        #expect(SlackPayload.classify(HTTPResponse(status: 200, body: Array("ok".utf8)), channel: "slack") == nil)
    }

    @Test("golden body; section text stays within 3,000 characters")
    func golden() throws {
        let message = AlertMessage.make(sampleNotification(), timeZone: utc)
        try Golden.check(SlackPayload.body(message), "slack-firing.json")
        let long = AlertMessage(title: "t", lines: [String(repeating: "x", count: 5000)])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(SlackPayload.body(long))) as? [String: Any])
        let blocks = try #require(object["blocks"] as? [[String: Any]])
        let section = try #require((blocks[1]["text"] as? [String: Any])?["text"] as? String)
        #expect(section.count == SlackPayload.sectionLimit)
    }
}
