import Foundation
import HeadroomCore
import HeadroomNotify
import HeadroomTesting
import Testing

@Suite("Feishu channel")
struct FeishuTests {
    func notifier(_ server: Receiver, robot: String, secret: String = Receiver.secrets["feishu_secret"]!) -> FeishuNotifier {
        FeishuNotifier(
            channel: "feishu",
            configuration: FeishuConfiguration(
                endpoint: HTTPEndpoint(url: Secret(server.url("/feishu/\(robot)/hook/0000-uuid")), timeout: .seconds(5)), secret: Secret(secret)),
            transport: LiveHTTPTransport(), timeZone: shanghai)
    }

    @Test("an interactive card signed in the body; the stand-in verifies the sign")
    func delivers() async throws {
        let server = try await Receiver.plain.get()
        let robot = "ok-\(UUID().uuidString)"
        try await notifier(server, robot: robot).deliver(sampleNotification(severity: .critical))
        let received = try #require(try await server.requests(under: "/feishu/\(robot)").first)
        #expect(received.json["msg_type"] as? String == "interactive")
        #expect(received.json["timestamp"] is String)
        let header = try #require((received.json["card"] as? [String: Any])?["header"] as? [String: Any])
        #expect(header["template"] as? String == "red")
    }

    @Test("a wrong secret is 19021: permanent, reported with what to check")
    func wrongSecret() async throws {
        let server = try await Receiver.plain.get()
        await #expect(
            throws: DeliveryError.permanent(
                "feishu: Feishu code 19021: sign match fail or timestamp is not within one hour from current time: check the bot's secret and this machine's clock"
            )
        ) {
            try await notifier(server, robot: "s-\(UUID().uuidString)", secret: "wrong").deliver(sampleNotification())
        }
    }

    @Test("more than 5 in the window is 11232: retryable")
    func rateLimit() async throws {
        let server = try await Receiver.plain.get()
        let feishu = notifier(server, robot: "burst-\(UUID().uuidString)")
        for _ in 0..<5 { try await feishu.deliver(sampleNotification()) }
        await #expect(throws: DeliveryError.retryable("feishu: Feishu code 11232: frequency limited psm")) {
            try await feishu.deliver(sampleNotification())
        }
    }

    @Test("the sign is HMAC keyed by \"timestamp\\nsecret\" over the empty message")
    func signature() {
        let expected = HMACSHA256.base64(HMACSHA256.mac(key: Array("1800000020\nsecret".utf8), message: []))
        #expect(FeishuPayload.sign(secret: "secret", timestampSeconds: 1_800_000_020) == expected)
    }

    @Test("a huge message stays under 20 KB and the stand-in accepts it")
    func size() async throws {
        let server = try await Receiver.plain.get()
        let robot = "big-\(UUID().uuidString)"
        var notification = sampleNotification()
        notification.alert.labels = ["描述": String(repeating: "\"引号\"与反斜杠\\", count: 3000)]
        try await notifier(server, robot: robot).deliver(notification)
        let received = try #require(try await server.requests(under: "/feishu/\(robot)").first)
        #expect(received.body.count <= FeishuPayload.bodyLimit)
        #expect(received.body.count > FeishuPayload.bodyLimit - 200)
    }

    @Test(
        "code classification",
        arguments: [
            (0, nil as Bool?), (11232, true), (19021, false), (19022, false), (19024, false), (9499, false),
        ])
    func classify(code: Int, retryable: Bool?) {
        let body = Array(#"{"code":\#(code),"msg":"m"}"#.utf8)
        let error = FeishuPayload.classify(HTTPResponse(status: 200, body: body), channel: "f")
        switch (error, retryable) {
        case (nil, nil): break
        case (.retryable?, true?), (.permanent?, false?): break
        default: Issue.record("code \(code) classified as \(String(describing: error))")
        }
    }

    @Test("golden body at a fixed time")
    func golden() throws {
        let notifier = FeishuNotifier(
            channel: "feishu",
            configuration: FeishuConfiguration(
                endpoint: HTTPEndpoint(url: Secret("https://open.feishu.cn/open-apis/bot/v2/hook/x")), secret: Secret("s")),
            transport: LiveHTTPTransport(), timeZone: shanghai)
        let request = try notifier.request(
            sampleNotification(.resolved), context: DeliveryContext(idempotencyKey: "k"),
            at: Date(timeIntervalSince1970: 1_800_000_020))
        try Golden.check(request.body, "feishu-resolved.json")
    }
}
