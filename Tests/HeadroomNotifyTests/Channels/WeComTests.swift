import Foundation
import HeadroomCore
@testable import HeadroomNotify
import HeadroomTesting
import Testing

@Suite("WeCom channel")
struct WeComTests {
    func notifier(_ url: String) -> WeComNotifier {
        WeComNotifier(
            channel: "wecom", configuration: WeComConfiguration(endpoint: HTTPEndpoint(url: Secret(url), timeout: .seconds(5))),
            transport: LiveHTTPTransport(), timeZone: shanghai)
    }

    func url(_ server: Receiver, robot: String, key: String = Receiver.secrets["wecom_key"]!) -> String {
        server.url("/wecom/\(robot)/send?key=\(key)")
    }

    @Test("markdown within the byte limit, accepted with errcode 0")
    func delivers() async throws {
        let server = try await Receiver.plain.get()
        let robot = "ok-\(UUID().uuidString)"
        try await notifier(url(server, robot: robot)).deliver(sampleNotification())
        let received = try #require(try await server.requests(under: "/wecom/\(robot)").first)
        #expect(received.json["msgtype"] as? String == "markdown")
        #expect(((received.json["markdown"] as? [String: Any])?["content"] as? String)?.hasPrefix("### [FIRING] WARNING cpu_overload") == true)
    }

    @Test("over the per-minute limit the stand-in answers 45009 in a 200 body: retryable, not delivered")
    func rateLimited() async throws {
        let server = try await Receiver.plain.get()
        let wecom = notifier(url(server, robot: "burst-\(UUID().uuidString)"))
        for _ in 0..<3 { try await wecom.deliver(sampleNotification()) }
        await #expect(throws: DeliveryError.retryable("wecom: WeCom errcode 45009: api freq out of limit")) {
            try await wecom.deliver(sampleNotification())
        }
    }

    @Test("a wrong key is errcode 93000: permanent, and the key is not in the message")
    func wrongKey() async throws {
        let server = try await Receiver.plain.get()
        await #expect(throws: DeliveryError.permanent("wecom: WeCom errcode 93000: invalid webhook url")) {
            try await notifier(url(server, robot: "k-\(UUID().uuidString)", key: "bogus-key")).deliver(sampleNotification())
        }
    }

    @Test("long Chinese content is cut to 4096 bytes on a character boundary and accepted by the stand-in")
    func truncation() async throws {
        let server = try await Receiver.plain.get()
        let robot = "long-\(UUID().uuidString)"
        var notification = sampleNotification()
        notification.alert.labels = ["容器": String(repeating: "显存不足告警", count: 400)]
        try await notifier(url(server, robot: robot)).deliver(notification)
        let received = try #require(try await server.requests(under: "/wecom/\(robot)").first)
        let content = try #require((received.json["markdown"] as? [String: Any])?["content"] as? String)
        #expect(content.utf8.count <= 4096)
        #expect(content.utf8.count > 4000)
        #expect(content.hasSuffix(ByteLimit.marker))
    }

    @Test(
        "errcode classification",
        arguments: [
            (0, nil as Bool?), (45009, true), (-1, true), (93000, false), (40008, false), (40058, false),
        ])
    func classify(code: Int, retryable: Bool?) {
        let body = Array(#"{"errcode":\#(code),"errmsg":"m"}"#.utf8)
        let error = WeComPayload.classify(HTTPResponse(status: 200, body: body), channel: "wecom")
        switch (error, retryable) {
        case (nil, nil): break
        case (.retryable?, true?), (.permanent?, false?): break
        default: Issue.record("errcode \(code) classified as \(String(describing: error))")
        }
    }

    @Test("golden bodies, English and Simplified Chinese")
    func golden() throws {
        let message = AlertMessage.make(sampleNotification(.resolved), timeZone: shanghai)
        try Golden.check(WeComPayload.body(message, idempotencyKey: "k"), "wecom-resolved.json")
        for kind in [AlertNotification.Kind.firing, .resolved] {
            let chinese = AlertMessage.make(sampleNotification(kind, severity: .critical), timeZone: shanghai, language: .zhCN)
            try Golden.check(WeComPayload.body(chinese, idempotencyKey: "k"), "wecom-zh-CN-\(kind.rawValue).json")
        }
    }

    @Test("Chinese durations", arguments: [(393.0, "6分33秒"), (3720, "1小时2分"), (10, "10秒")])
    func durations(seconds: Double, text: String) {
        #expect(AlertMessage.chineseDuration(seconds) == text)
    }
}
