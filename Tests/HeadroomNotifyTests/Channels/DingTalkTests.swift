import Foundation
import HeadroomCore
import HeadroomNotify
import HeadroomTesting
import Testing

@Suite("DingTalk channel")
struct DingTalkTests {
    func notifier(_ server: Receiver, robot: String, secret: String? = Receiver.secrets["dingtalk_secret"], keyword: String? = "headroom") -> DingTalkNotifier {
        let url = server.url("/dingtalk/\(robot)/send?access_token=\(Receiver.secrets["dingtalk_token"]!)")
        return DingTalkNotifier(
            channel: "dingtalk",
            configuration: DingTalkConfiguration(
                endpoint: HTTPEndpoint(url: Secret(url), timeout: .seconds(5)), secret: secret.map(Secret.init), keyword: keyword),
            transport: LiveHTTPTransport(), timeZone: shanghai)
    }

    @Test("signed with a millisecond timestamp in the query; the stand-in verifies sign and keyword")
    func delivers() async throws {
        let server = try await Receiver.plain.get()
        let robot = "ok-\(UUID().uuidString)"
        try await notifier(server, robot: robot).deliver(sampleNotification())
        let received = try #require(try await server.requests(under: "/dingtalk/\(robot)").first)
        #expect(received.query.contains("&timestamp="))
        #expect(received.query.contains("&sign="))
        let markdown = try #require(received.json["markdown"] as? [String: Any])
        #expect((markdown["title"] as? String)?.hasPrefix("headroom [FIRING]") == true)
    }

    @Test("a wrong secret fails the security check: 310000 is permanent and says what to check")
    func wrongSecret() async throws {
        let server = try await Receiver.plain.get()
        await #expect(
            throws: DeliveryError.permanent(
                "dingtalk: DingTalk errcode 310000: sign not match: the security check failed; check the robot's secret (sign), keyword and IP allowlist")
        ) {
            try await notifier(server, robot: "s-\(UUID().uuidString)", secret: "SECwrong").deliver(sampleNotification())
        }
    }

    @Test("without the required keyword the stand-in refuses with 310000")
    func keyword() async throws {
        let server = try await Receiver.plain.get()
        await #expect(throws: DeliveryError.self) {
            try await notifier(server, robot: "kw-\(UUID().uuidString)", keyword: nil).deliver(sampleNotification())
        }
    }

    @Test("over the limit: 130101 is retryable, and the robot stays banned afterwards")
    func rateLimit() async throws {
        let server = try await Receiver.plain.get()
        let ding = notifier(server, robot: "burst-\(UUID().uuidString)")
        for _ in 0..<2 { try await ding.deliver(sampleNotification()) }
        for _ in 0..<2 {
            await #expect(throws: DeliveryError.retryable("dingtalk: DingTalk errcode 130101: send too fast, exceed 20 times per minute")) {
                try await ding.deliver(sampleNotification())
            }
        }
    }

    @Test("the sign matches DingTalk's documented algorithm for a fixed time; + / = are percent-encoded")
    func signature() throws {
        let secret = "SEC0123456789abcdef"
        let sign = DingTalkSignature.sign(secret: secret, timestampMilliseconds: 1_800_000_020_123)
        let expected = HMACSHA256.base64(HMACSHA256.mac(key: secret, message: "1800000020123\n\(secret)"))
        #expect(sign == expected)
        let url = DingTalkSignature.signedURL("https://oapi.dingtalk.com/robot/send?access_token=t", secret: secret, timestampMilliseconds: 1_800_000_020_123)
        let encoded = String(try #require(url.split(separator: "sign=").last))
        #expect(!encoded.contains("+") && !encoded.contains("/") && !encoded.contains("="))
        #expect(encoded.removingPercentEncoding == sign)
    }

    @Test(
        "errcode classification",
        arguments: [
            (0, nil as Bool?), (130101, true), (310000, false), (300001, false),
        ])
    func classify(code: Int, retryable: Bool?) {
        let body = Array(#"{"errcode":\#(code),"errmsg":"m"}"#.utf8)
        let error = DingTalkPayload.classify(HTTPResponse(status: 200, body: body), channel: "d")
        switch (error, retryable) {
        case (nil, nil): break
        case (.retryable?, true?), (.permanent?, false?): break
        default: Issue.record("errcode \(code) classified as \(String(describing: error))")
        }
    }

    @Test("golden body and signed URL at a fixed time")
    func golden() throws {
        let notifier = DingTalkNotifier(
            channel: "dingtalk",
            configuration: DingTalkConfiguration(
                endpoint: HTTPEndpoint(url: Secret("https://oapi.dingtalk.com/robot/send?access_token=t")), secret: Secret("SECabc"), keyword: "headroom"),
            transport: LiveHTTPTransport(), timeZone: shanghai)
        let request = try notifier.request(
            sampleNotification(), context: DeliveryContext(idempotencyKey: "k"),
            at: Date(timeIntervalSince1970: 1_800_000_020.5))
        try Golden.check(request.body, "dingtalk-firing.json")
        #expect(
            request.url == "https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1800000020500&sign="
                + TextEscaping.percentEncoded(DingTalkSignature.sign(secret: "SECabc", timestampMilliseconds: 1_800_000_020_500)))
    }
}
