import Foundation
import HeadroomCore
import HeadroomNotify
import HeadroomTesting
import Logging
import Testing

@Suite("Rate limits and digests")
struct RateLimitTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    let start = Date(timeIntervalSince1970: 1_800_000_100)

    func storm(_ count: Int, kind: AlertNotification.Kind = .firing) -> [AlertNotification] {
        (0..<count).map { index in
            var notification = sampleNotification(kind)
            notification.alert.labels = ["gpu": String(index)]
            return notification
        }
    }

    @Test("a budget counts sends inside each window")
    func budget() {
        var budget = RateBudget(limits: [RateLimit(count: 5, window: .seconds(1)), RateLimit(count: 100, window: .seconds(60))])
        #expect(budget.available(at: start) == 5)
        for index in 0..<5 { budget.record(at: start.addingTimeInterval(Double(index) * 0.1)) }
        #expect(budget.available(at: start.addingTimeInterval(0.5)) == 0)
        #expect(budget.available(at: start.addingTimeInterval(1.05)) == 1)
        #expect(budget.available(at: start.addingTimeInterval(2)) == 5)
        #expect(RateBudget(limits: []).available(at: start) == Int.max)
    }

    @Test("documented limits per platform")
    func limits() {
        let endpoint = HTTPEndpoint(url: Secret("https://x.example/"))
        #expect(ChannelSettings.wecom(WeComConfiguration(endpoint: endpoint)).rateLimits == [RateLimit(count: 20, window: .seconds(60))])
        #expect(ChannelSettings.dingtalk(DingTalkConfiguration(endpoint: endpoint)).rateLimits == [RateLimit(count: 19, window: .seconds(60))])
        #expect(ChannelSettings.slack(SlackConfiguration(endpoint: endpoint)).rateLimits == [RateLimit(count: 1, window: .seconds(1))])
        #expect(ChannelSettings.feishu(FeishuConfiguration(endpoint: endpoint)).rateLimits.count == 2)
        #expect(ChannelSettings.webhook(WebhookConfiguration(endpoint: endpoint)).rateLimits.isEmpty)
    }

    func pipeline(_ notifier: ScriptedNotifier, settings: ChannelSettings) -> DeliveryPipeline {
        DeliveryPipeline(
            routes: [DeliveryPipeline.Route(configuration: ChannelConfiguration(name: notifier.channel, settings: settings), notifier: notifier)],
            store: nil, jitter: { 1 }, logger: Self.logger)
    }

    @Test("over budget, notifications are coalesced into one digest, never dropped; under budget they go one by one")
    func coalesce() async throws {
        let notifier = ScriptedNotifier(channel: "ding")
        let delivery = pipeline(notifier, settings: .dingtalk(DingTalkConfiguration(endpoint: HTTPEndpoint(url: Secret("https://x.example/")))))
        await delivery.submit(storm(30), at: start)
        #expect(notifier.attempts.count == 1)
        #expect(notifier.delivered.first?.digest.count == 30)
        #expect(notifier.delivered.first?.idempotencyKey.hasPrefix("digest-") == true)
        // 18 more fit the remaining budget of 18 one by one.
        await delivery.submit(storm(18, kind: .resolved), at: start.addingTimeInterval(1))
        #expect(notifier.attempts.count == 19)
        #expect(notifier.delivered.dropFirst().allSatisfy { $0.digest.isEmpty })
        // The budget is spent: the next one waits, then goes when the window has passed.
        await delivery.submit(storm(1), at: start.addingTimeInterval(2))
        #expect(notifier.attempts.count == 19)
        #expect(await delivery.pendingCount == 1)
        await delivery.retryDue(at: start.addingTimeInterval(61))
        #expect(notifier.attempts.count == 20)
        #expect(await delivery.statistics["ding"]?.digests == 1)
    }

    @Test("a restart keeps the budget: the robot is not flooded again right after")
    func restart() async throws {
        let directory = temporaryStateDirectory()
        let store = OutboxStore(stateDirectory: directory)
        try store.prepare()
        let settings = ChannelSettings.dingtalk(DingTalkConfiguration(endpoint: HTTPEndpoint(url: Secret("https://x.example/"))))
        let first = ScriptedNotifier(channel: "ding")
        let before = DeliveryPipeline(
            routes: [DeliveryPipeline.Route(configuration: ChannelConfiguration(name: "ding", settings: settings), notifier: first)],
            store: store, jitter: { 1 }, logger: Self.logger)
        await before.submit(storm(19, kind: .resolved), at: start)
        #expect(first.attempts.count == 19)
        let second = ScriptedNotifier(channel: "ding")
        let after = DeliveryPipeline(
            routes: [DeliveryPipeline.Route(configuration: ChannelConfiguration(name: "ding", settings: settings), notifier: second)],
            store: OutboxStore(stateDirectory: directory), jitter: { 1 }, logger: Self.logger)
        await after.recover(at: start.addingTimeInterval(5))
        await after.submit(storm(1), at: start.addingTimeInterval(5))
        #expect(second.attempts.isEmpty)
        await after.retryDue(at: start.addingTimeInterval(61))
        #expect(second.attempts.count == 1)
    }

    @Test("a grouping window holds the first notification and sends everything that arrived in it as one message")
    func groupWindow() async throws {
        let notifier = ScriptedNotifier(channel: "hook")
        var settings = DeliverySettings()
        settings.groupWindow = .seconds(30)
        let delivery = DeliveryPipeline(
            routes: [DeliveryPipeline.Route(configuration: ChannelConfiguration(name: "hook", settings: .console(.init())), notifier: notifier)],
            settings: settings, store: nil, jitter: { 1 }, logger: Self.logger)
        await delivery.submit(storm(2), at: start)
        await delivery.submit(storm(1, kind: .resolved), at: start.addingTimeInterval(10))
        #expect(notifier.attempts.isEmpty)
        await delivery.retryDue(at: start.addingTimeInterval(30))
        #expect(notifier.attempts.count == 1)
        #expect(notifier.delivered.first?.digest.count == 3)
        // A lone notification in its own window goes as itself.
        await delivery.submit(storm(1), at: start.addingTimeInterval(100))
        await delivery.retryDue(at: start.addingTimeInterval(130))
        #expect(notifier.delivered.last?.digest.isEmpty == true)
    }

    @Test("a storm towards the DingTalk stand-in arrives as one signed digest and no ban")
    func standIn() async throws {
        let server = try await Receiver.plain.get()
        let robot = "storm-\(UUID().uuidString)"
        let url = server.url("/dingtalk/\(robot)/send?access_token=\(Receiver.secrets["dingtalk_token"]!)")
        let configuration = DingTalkConfiguration(
            endpoint: HTTPEndpoint(url: Secret(url), timeout: .seconds(5)),
            secret: Secret(Receiver.secrets["dingtalk_secret"]!), keyword: "headroom")
        let notifier = DingTalkNotifier(channel: "ding", configuration: configuration, transport: LiveHTTPTransport(), timeZone: utc)
        let delivery = DeliveryPipeline(
            routes: [DeliveryPipeline.Route(configuration: ChannelConfiguration(name: "ding", settings: .dingtalk(configuration)), notifier: notifier)],
            store: nil, jitter: { 1 }, logger: Self.logger)
        await delivery.submit(storm(40), at: Date())
        let received = try await server.requests(under: "/dingtalk/\(robot)")
        #expect(received.count == 1)
        let markdown = try #require(received.first?.json["markdown"] as? [String: Any])
        #expect((markdown["title"] as? String)?.contains("[DIGEST] 40 notifications on gpu-01") == true)
        #expect(await delivery.pendingCount == 0)
        #expect(await delivery.statistics["ding"]?.failures == 0)
    }
}
