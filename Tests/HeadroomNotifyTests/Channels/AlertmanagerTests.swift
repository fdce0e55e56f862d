import Foundation
import HeadroomCore
import HeadroomNotify
import HeadroomTesting
import Logging
import Synchronization
import Testing

@Suite("Alertmanager channel")
struct AlertmanagerTests {
    @Test("posts to every Alertmanager, re-sends firing alerts with endsAt four intervals ahead, resolved with its resolve time")
    func resend() async throws {
        let server = try await Receiver.plain.get()
        let id = UUID().uuidString
        let endpoints = ["a", "b"].map { HTTPEndpoint(url: Secret(server.url("/am/\(id)-\($0)")), timeout: .seconds(5)) }
        let notifier = AlertmanagerNotifier(
            channel: "am", configuration: AlertmanagerConfiguration(endpoints: endpoints, resendInterval: .milliseconds(200)),
            transport: LiveHTTPTransport())
        let firing = sampleNotification()
        let sentAt = Date()
        try await notifier.deliver(firing)
        let deliveredAt = Date()
        // Two initial posts and a re-send to each.
        let received: [Receiver.Received] =
            try await Poll.value(within: .seconds(10), every: .milliseconds(50)) {
                let all = try await server.requests(under: "/am/\(id)-a") + server.requests(under: "/am/\(id)-b")
                return all.count >= 4 ? all : nil
            } ?? []
        #expect(received.count >= 4)
        let first = try #require((try JSONSerialization.jsonObject(with: Data(received[0].body)) as? [[String: Any]])?.first)
        #expect((first["labels"] as? [String: String]) == ["alertname": "cpu_overload", "severity": "warning", "instance": "gpu-01"])
        #expect(first["startsAt"] as? String == "2027-01-15T08:00:10.000Z")
        let endsAt = try #require((first["endsAt"] as? String).flatMap { ISO8601DateFormatter.withFractions.date(from: $0) })
        // The first post happened inside deliver(): endsAt is four intervals after it, whenever
        // a loaded machine let it go out.
        #expect(
            endsAt.timeIntervalSince(sentAt) >= 0.8 - 0.001 && endsAt.timeIntervalSince(deliveredAt) <= 0.8 + 0.001,
            "\(endsAt) against \(sentAt)…\(deliveredAt)")

        try await notifier.deliver(sampleNotification(.resolved))
        let resolved = try #require(try await server.requests(under: "/am/\(id)-a").last)
        let alert = try #require((try JSONSerialization.jsonObject(with: Data(resolved.body)) as? [[String: Any]])?.first)
        #expect(alert["endsAt"] as? String == "2027-01-15T08:06:33.000Z")
    }

    @Test("a re-send under way when the alert resolves lands before the resolved post: no firing ever lands after it")
    func resendBeforeResolved() async throws {
        let transport = HeldSecondPost()
        let endpoint = HTTPEndpoint(url: Secret("http://127.0.0.1:9/"), timeout: .seconds(5))
        let notifier = AlertmanagerNotifier(
            channel: "am", configuration: AlertmanagerConfiguration(endpoints: [endpoint], resendInterval: .milliseconds(50)),
            transport: transport)
        try await notifier.deliver(sampleNotification())
        await transport.secondStarted.wait() // the first re-send (still firing) is on its way, held
        try await notifier.deliver(sampleNotification(.resolved))
        let landed = transport.landed
        // The resolved post carries endsAt = its resolve time; a firing one, four intervals ahead of now.
        let resolvedAt = "2027-01-15T08:06:33.000Z"
        let first = try #require(landed.firstIndex { $0.contains(resolvedAt) }, "\(landed)")
        #expect(first >= 2, "the held re-send went out first")
        #expect(landed[first...].allSatisfy { $0.contains(resolvedAt) }, "\(landed)")
    }

    @Test("a new instance resumed with firings delivered before it posts them at once, not an interval later, and takes them up as its own")
    func resumed() async throws {
        let server = try await Receiver.plain.get()
        let path = "/am/\(UUID().uuidString)"
        // A re-send interval far longer than the test: only the resume can post in time.
        let notifier = AlertmanagerNotifier(
            channel: "am",
            configuration: AlertmanagerConfiguration(
                endpoints: [HTTPEndpoint(url: Secret(server.url(path)), timeout: .seconds(5))], resendInterval: .seconds(3600)),
            transport: LiveHTTPTransport())
        let resumedAt = Date()
        await notifier.resume([sampleNotification()])
        // Any time well inside the hour means the resume posted (the suite's busy start can
        // hold a task back for seconds): the limit decides when, never whether, this passes.
        let received: [Receiver.Received]? = try await Poll.value(within: .seconds(120), every: .milliseconds(20)) {
            let all = try await server.requests(under: path)
            return all.isEmpty ? nil : all
        }
        let first = try #require(received?.first)
        let alert = try #require((try JSONSerialization.jsonObject(with: Data(first.body)) as? [[String: Any]])?.first)
        #expect((alert["labels"] as? [String: String])?["alertname"] == "cpu_overload")
        #expect(alert["startsAt"] as? String == "2027-01-15T08:00:10.000Z")
        // endsAt four intervals past the post, not past the notification's own time.
        let endsAt = try #require((alert["endsAt"] as? String).flatMap { ISO8601DateFormatter.withFractions.date(from: $0) })
        #expect(endsAt.timeIntervalSince(resumedAt) >= 4 * 3600 - 1)
        // Taken up as if delivered here: its resolved is posted and replaces it.
        try await notifier.deliver(sampleNotification(.resolved))
        let last = try #require(try await server.requests(under: path).last)
        let resolved = try #require((try JSONSerialization.jsonObject(with: Data(last.body)) as? [[String: Any]])?.first)
        #expect(resolved["endsAt"] as? String == "2027-01-15T08:06:33.000Z")
    }

    @Test("after a restart the pipeline resumes to each re-sending channel the firings it confirmed and still accepts: not a silenced one, not a failed one")
    func pipelineResume() async throws {
        let now = Date(timeIntervalSince1970: 1_800_000_100)
        let directory = temporaryStateDirectory()
        let store = OutboxStore(stateDirectory: directory)
        try store.prepare()
        /// "all" takes `allFrom` and up, "critical" critical only, "failing" refuses when told.
        func routes(failing: Bool, allFrom: Severity = .info) -> ([ResumeRecorder], RecordingNotifier, [DeliveryPipeline.Route]) {
            let recorders = [ResumeRecorder(channel: "all"), ResumeRecorder(channel: "critical"), ResumeRecorder(channel: "failing", fails: failing)]
            let plain = RecordingNotifier(channel: "plain")
            let routes = [
                DeliveryPipeline.Route(
                    configuration: ChannelConfiguration(name: "all", minimumSeverity: allFrom, settings: .console(.init())), notifier: recorders[0]),
                DeliveryPipeline.Route(
                    configuration: ChannelConfiguration(name: "critical", minimumSeverity: .critical, settings: .console(.init())), notifier: recorders[1]),
                DeliveryPipeline.Route(configuration: ChannelConfiguration(name: "failing", settings: .console(.init())), notifier: recorders[2]),
                DeliveryPipeline.Route(configuration: ChannelConfiguration(name: "plain", settings: .console(.init())), notifier: plain),
            ]
            return (recorders, plain, routes)
        }
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        var gpu0 = sampleNotification(severity: .critical)
        gpu0.alert.labels = ["gpu": "0"]
        var gpu1 = sampleNotification(severity: .critical)
        gpu1.alert.labels = ["gpu": "1"]
        let warning = sampleNotification(severity: .warning)

        // The first process: gpu 1 is silenced; the failing channel refuses everything for good.
        let first = DeliveryPipeline(routes: routes(failing: true).2, store: store, logger: logger)
        await first.setSilences([
            Silence(
                id: "s1", matchers: [try SilenceMatcher.parse("gpu=1").get()], startsAt: now, endsAt: now.addingTimeInterval(60), comment: "",
                createdBy: "test")
        ])
        await first.submit([warning, gpu0, gpu1], at: now)

        // The next process, its channels new, resumed before its delivery service recovered.
        let (recorders, plain, next) = routes(failing: false)
        let second = DeliveryPipeline(routes: next, store: OutboxStore(stateDirectory: directory), logger: logger)
        await second.resume([warning, gpu0, gpu1], at: now.addingTimeInterval(5))
        #expect(recorders[0].resumed.map(\.alert.labels) == [.none, ["gpu": "0"]])
        #expect(recorders[1].resumed.map(\.alert.labels) == [["gpu": "0"]])
        #expect(recorders[2].resumed.isEmpty)
        #expect(plain.received.isEmpty)

        // A channel reloaded to no longer accept a severity is not handed it.
        let (narrowed, _, stricter) = routes(failing: false, allFrom: .critical)
        let third = DeliveryPipeline(routes: stricter, store: OutboxStore(stateDirectory: directory), logger: logger)
        await third.resume([warning, gpu0], at: now.addingTimeInterval(10))
        #expect(narrowed[0].resumed.map(\.alert.labels) == [["gpu": "0"]])
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

/// A re-sending channel that keeps what it is asked to resume (and delivers nothing).
final class ResumeRecorder: ResendingNotifier {
    let channel: String
    private let fails: Bool
    private let taken = Mutex<[AlertNotification]>([])
    var resumed: [AlertNotification] { taken.withLock { $0 } }

    init(channel: String, fails: Bool = false) {
        self.channel = channel
        self.fails = fails
    }

    func resume(_ firings: [AlertNotification]) async { taken.withLock { $0 += firings } }

    func deliver(_: AlertNotification, context _: DeliveryContext) async throws(DeliveryError) {
        if fails { throw .permanent("refused") }
    }
}

/// Answers 200 to every post and records each as it lands; holds the second post (the first
/// re-send) until a third one starts, which is the race ordering must prevent: the third
/// lands first, then the held one, and the third returns only after the held one landed, so
/// the caller sees the whole race. With posts in order no third post can start while the
/// second is held, and nothing happens that could be waited for: only a time limit (300 ms)
/// lets it go. The limit decides when, never whether, the test passes.
final class HeldSecondPost: HTTPTransport {
    let secondStarted = Latch()
    private let released = Latch()
    private let secondLanded = Latch()
    private let state = Mutex<(started: Int, landed: [String])>((0, []))

    var landed: [String] { state.withLock { $0.landed } }

    func send(_ request: HTTPRequest, tls _: TLSSettings, timeout _: Duration) async throws(DeliveryError) -> HTTPResponse {
        let number = state.withLock { state -> Int in
            state.started += 1
            return state.started
        }
        if number == 2 {
            secondStarted.open()
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.released.wait() }
                group.addTask { try? await Task.sleep(for: .milliseconds(300)) }
                await group.next()
                released.open()
                group.cancelAll()
            }
        }
        state.withLock { $0.landed.append(String(decoding: request.body, as: UTF8.self)) }
        if number == 2 { secondLanded.open() }
        if number == 3 {
            released.open()
            await secondLanded.wait()
        }
        return HTTPResponse(status: 200)
    }
}
