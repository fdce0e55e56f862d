import Foundation
import HeadroomCore
import HeadroomNotify
import HeadroomTesting
import Testing

/// `language: zh-CN` on every channel that writes for a person: the chat robots through
/// their stand-ins (which check signatures and keywords as the platforms do), and the
/// console line. Machine formats (webhook JSON, JSON log, Alertmanager, exec) keep their
/// English schema fields on purpose.
@Suite("Simplified Chinese on every human channel")
struct ChineseMessageTests {
    enum Robot: String, CaseIterable, Sendable { case slack, wecom, dingtalk, feishu }

    /// A notifier of `robot` in zh-CN towards the stand-in, and the path its requests land under.
    func notifier(_ robot: Robot, _ server: Receiver) -> (any Notifier, String) {
        let id = "zh-\(UUID().uuidString)"
        func endpoint(_ path: String) -> HTTPEndpoint { HTTPEndpoint(url: Secret(server.url(path)), timeout: .seconds(5)) }
        switch robot {
        case .slack:
            return (
                SlackNotifier(
                    channel: "slack", configuration: SlackConfiguration(endpoint: endpoint("/slack/\(id)")),
                    transport: LiveHTTPTransport(), timeZone: shanghai, language: .zhCN), "/slack/\(id)"
            )
        case .wecom:
            let path = "/wecom/\(id)/send?key=\(Receiver.secrets["wecom_key"]!)"
            return (
                WeComNotifier(
                    channel: "wecom", configuration: WeComConfiguration(endpoint: endpoint(path)),
                    transport: LiveHTTPTransport(), timeZone: shanghai, language: .zhCN), "/wecom/\(id)"
            )
        case .dingtalk:
            let path = "/dingtalk/\(id)/send?access_token=\(Receiver.secrets["dingtalk_token"]!)"
            return (
                DingTalkNotifier(
                    channel: "dingtalk",
                    configuration: DingTalkConfiguration(
                        endpoint: endpoint(path), secret: Secret(Receiver.secrets["dingtalk_secret"]!), keyword: "headroom"),
                    transport: LiveHTTPTransport(), timeZone: shanghai, language: .zhCN), "/dingtalk/\(id)"
            )
        case .feishu:
            return (
                FeishuNotifier(
                    channel: "feishu",
                    configuration: FeishuConfiguration(
                        endpoint: endpoint("/feishu/\(id)/hook/0000-uuid"), secret: Secret(Receiver.secrets["feishu_secret"]!)),
                    transport: LiveHTTPTransport(), timeZone: shanghai, language: .zhCN), "/feishu/\(id)"
            )
        }
    }

    @Test("each chat robot receives the firing and the resolved in Simplified Chinese", arguments: Robot.allCases)
    func robots(robot: Robot) async throws {
        let server = try await Receiver.plain.get()
        // One robot each, so no platform's per-second limit (Slack's 1/s) is in the way.
        var bodies: [String] = []
        for kind in [AlertNotification.Kind.firing, .resolved] {
            let (chat, path) = notifier(robot, server)
            try await chat.deliver(sampleNotification(kind, severity: .critical))
            bodies += try await server.requests(under: path).map(\.bodyText)
        }
        #expect(bodies.count == 2)
        // JSON escapes nothing here: the Chinese text is in the body as UTF-8.
        #expect(bodies.first.map { $0.contains("[告警] 严重 cpu_overload") && $0.contains("阈值") } == true, "\(bodies.first ?? "")")
        #expect(bodies.last.map { $0.contains("[已恢复]") && $0.contains("已恢复，当前") && $0.contains("峰值") } == true, "\(bodies.last ?? "")")
        #expect(bodies.allSatisfy { !$0.contains("FIRING") && !$0.contains("RESOLVED") })
    }

    @Test("the console line: Chinese tag, sentence and host")
    func console() {
        let firing = ConsoleNotifier.line(sampleNotification(.firing, severity: .critical), color: false, timeZone: shanghai, language: .zhCN)
        #expect(firing.contains(" [严重] cpu_overload: "), "\(firing)")
        #expect(firing.contains("阈值"))
        #expect(firing.hasSuffix("（主机 gpu-01）"), "\(firing)")
        let resolved = ConsoleNotifier.line(sampleNotification(.resolved), color: false, timeZone: shanghai, language: .zhCN)
        #expect(resolved.contains(" [已恢复] cpu_overload: "), "\(resolved)")
        #expect(resolved.contains("峰值"))
        // English stays the default.
        #expect(ConsoleNotifier.line(sampleNotification(), color: false, timeZone: shanghai).contains(" [WARN] cpu_overload: "))
    }
}
