import Foundation
import HeadroomCore
@testable import HeadroomNotify
import HeadroomTesting
import Logging
import Testing

/// A notifier whose answers the test scripts, recording the context of every attempt.
final class ScriptedNotifier: Notifier, @unchecked Sendable {
    let channel: String
    private let lock = NSLock()
    private var answers: [DeliveryError?] = []
    private(set) var attempts: [(rule: String, kind: AlertNotification.Kind, context: DeliveryContext)] = []

    init(channel: String = "hook") { self.channel = channel }

    func answer(_ next: [DeliveryError?]) { lock.withLock { answers += next } }

    var delivered: [DeliveryContext] { lock.withLock { attempts.map(\.context) } }

    func deliver(_ notification: AlertNotification, context: DeliveryContext) async throws(DeliveryError) {
        let answer: DeliveryError? = lock.withLock {
            attempts.append((notification.alert.rule, notification.kind, context))
            return answers.isEmpty ? nil : answers.removeFirst()
        }
        if let answer { throw answer }
    }
}

func temporaryStateDirectory() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("headroom-state-\(UUID().uuidString)").path
}

@Suite("Outbox")
struct OutboxTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    let start = Date(timeIntervalSince1970: 1_800_000_100)

    func pipeline(_ notifier: ScriptedNotifier, store: OutboxStore?, settings: DeliverySettings = DeliverySettings()) -> DeliveryPipeline {
        DeliveryPipeline(
            routes: [DeliveryPipeline.Route(configuration: ChannelConfiguration(name: notifier.channel, settings: .console(.init())), notifier: notifier)],
            settings: settings, store: store, jitter: { 1 }, logger: Self.logger)
    }

    func files(_ store: OutboxStore) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: store.directory)) ?? []).sorted()
    }

    @Test("every field of a notification survives the disk, trend and non-finite values included")
    func storedRoundTrip() throws {
        var notification = sampleNotification(.resolved, severity: .critical)
        notification.alert.labels = ["gpu": "0", "容器": "llm"]
        notification.alert.condition = .trend(TrendCondition(capacity: .metric("gpu_memory_total_bytes"), window: .seconds(300)))
        notification.alert.trend = TrendEstimate(slopePerSecond: 1.5, secondsToExhaustion: 600, capacity: 80, r2: 0.97)
        notification.alert.value = .infinity
        notification.alert.detail = "d"
        notification.alert.summaryTemplate = "{value}"
        let store = OutboxStore(stateDirectory: temporaryStateDirectory())
        try store.prepare()
        let entry = OutboxEntry(channel: "c", notification: notification, createdAt: start, deadline: start.addingTimeInterval(60), sequence: 1)
        try store.write(entry)
        let loaded = store.load()
        #expect(loaded.unreadable.isEmpty)
        #expect(loaded.entries == [entry])
        #expect(loaded.entries.first?.notification == notification)
    }

    @Test("written before the first attempt, kept while failing, removed on success")
    func lifecycle() async throws {
        let store = OutboxStore(stateDirectory: temporaryStateDirectory())
        try store.prepare()
        let notifier = ScriptedNotifier()
        notifier.answer([.retryable("down")])
        let delivery = pipeline(notifier, store: store)
        await delivery.submit([sampleNotification()], at: start)
        #expect(files(store).count == 1)
        #expect(await delivery.pendingCount == 1)
        #expect(await delivery.oldestPendingAge(at: start.addingTimeInterval(7)) == 7)
        let metrics = await delivery.metrics(at: start.addingTimeInterval(7))
        #expect(metrics.outboxDepth == 1)
        #expect(metrics.channels["hook"]?.attempts == 1)
        #expect(metrics.channels["hook"]?.failuresByReason == ["retryable": 1])
        await delivery.retryDue(at: start.addingTimeInterval(1))
        #expect(files(store).isEmpty)
        #expect(await delivery.pendingCount == 0)
        #expect(await delivery.statistics["hook"]?.failuresByReason == ["retryable": 1])
        #expect(await delivery.statistics["hook"]?.successes == 1)
    }

    /// Submits `notifications` in a pass whose second wait for the disk (the first is the new
    /// entries' write, the second the removal and record after delivery) hangs.
    func submitOutlasting(
        _ patience: Duration, on clock: ManualClock, _ delivery: DeliveryPipeline, _ notifications: [AlertNotification], at now: Date
    ) async {
        await outlasting(patience, waits: 2, on: clock) { await delivery.submit(notifications, at: now) }
    }

    @Test(
        "a disk that stops answering: the pipeline waits its patience once, then delivers from memory; what waits is coalesced, and written once the disk answers",
        .timeLimit(.minutes(1)))
    func stalledDisk() async throws {
        let directory = temporaryStateDirectory()
        let store = OutboxStore(stateDirectory: directory)
        try store.prepare()
        // The record of delivered firings is written through a FIFO: that write blocks in
        // open(2) until a reader comes, as on a stalled disk.
        let fifo = directory + "/.delivered-firings.json.tmp"
        try #require(mkfifo(fifo, 0o600) == 0)
        let notifier = ScriptedNotifier()
        let clock = ManualClock()
        let delivery = DeliveryPipeline(
            routes: [DeliveryPipeline.Route(configuration: ChannelConfiguration(name: "hook", settings: .console(.init())), notifier: notifier)],
            store: store, diskPatience: .seconds(5), clock: clock, jitter: { 1 }, logger: Self.logger)

        // A is written before its attempt; once delivered, its record hangs, and so its removal
        // waits behind it: the pass returns after its patience.
        await submitOutlasting(.seconds(5), on: clock, delivery, [sampleNotification()], at: start)
        #expect(notifier.delivered.count == 1)
        #expect(files(store).count == 1)
        // The pass stops waiting after its patience on the test's clock, which moves at once:
        // under load the disk's thread may not have taken A's record and removal up yet. B's
        // changes are to wait behind them, not to be folded into them.
        #expect(
            try await Poll.until { await delivery.writer?.filesInFlight == 2 },
            "the disk's thread is writing A's record and removal")
        // B goes out from memory, without waiting for the disk at all (no deadline armed): its
        // write and its removal meet while waiting and cancel out.
        var other = sampleNotification()
        other.alert.labels = ["cpu": "1"]
        await withoutWaiting(on: clock, "the stalled disk is not waited for") {
            await delivery.submit([other], at: start.addingTimeInterval(1))
        }
        #expect(notifier.delivered.count == 2)
        #expect(files(store).count == 1, "B's file is never written")
        #expect(await delivery.pendingCount == 0)
        #expect(
            await delivery.metrics(at: start).writesWaiting == 3,
            "A's record and removal being written, the newer record waiting; B's write and removal cancelled out")

        // A reader comes: the hung write goes on and fails (a FIFO cannot be fsync'd), then what
        // waited is written: A's removal, and the record with both firings.
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        try #require(reader >= 0)
        defer { close(reader) }
        let record = directory + "/delivered-firings.json"
        var scratch = [UInt8](repeating: 0, count: 4096)
        try await Poll.until {
            while read(reader, &scratch, scratch.count) > 0 {}
            let waiting = await delivery.metrics(at: start).writesWaiting
            return files(store).isEmpty && FileManager.default.fileExists(atPath: record) && waiting == 0
        }
        #expect(files(store).isEmpty)
        let keys = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: record))) as? [String]
        #expect(keys?.count == 2, "\(keys ?? [])")
        #expect(await delivery.metrics(at: start).writesWaiting == 0)

        // The disk answers again: a new entry is on disk before its attempt, as before.
        notifier.answer([.retryable("down")])
        let armed = clock.alarmsSet
        await delivery.submit([sampleNotification(.resolved)], at: start.addingTimeInterval(2))
        #expect(clock.alarmsSet > armed, "waited for the disk again")
        #expect(files(store).count == 1)
    }

    @Test(
        "a disk that is slow rather than hung stays in the stall until a write takes less than the patience: said once each way, not at every pass",
        .timeLimit(.minutes(1)))
    func slowDisk() async throws {
        let directory = temporaryStateDirectory()
        let store = OutboxStore(stateDirectory: directory)
        try store.prepare()
        let fifo = directory + "/.delivered-firings.json.tmp"
        try #require(mkfifo(fifo, 0o600) == 0)
        let handler = CapturingLogHandler()
        let notifier = ScriptedNotifier()
        let clock = ManualClock()
        let delivery = DeliveryPipeline(
            routes: [DeliveryPipeline.Route(configuration: ChannelConfiguration(name: "hook", settings: .console(.init())), notifier: notifier)],
            store: store, diskPatience: .seconds(5), clock: clock, jitter: { 1 }, logger: Logger(label: "test") { _ in handler })
        func said(_ text: String) -> Int { handler.text.components(separatedBy: text).count - 1 }

        // A's record hangs past the patience: the stall is said.
        await submitOutlasting(.seconds(5), on: clock, delivery, [sampleNotification()], at: start)
        #expect(said("has not answered") == 1)
        // The write then finishes, slowly: a reader comes a patience later still, and nothing
        // waits behind it. Caught up, but not within the patience: still stalled.
        clock.advance(by: .seconds(5))
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        try #require(reader >= 0)
        defer { close(reader) }
        #expect(try await Poll.until { await delivery.metrics(at: start).writesWaiting == 0 })
        #expect(said("answers again") == 0, "\(handler.text)")

        // The next notification's write is not waited for either (no deadline armed): a slow
        // answer did not end the stall. That write is quick: the disk answers again, said once.
        var other = sampleNotification()
        other.alert.labels = ["cpu": "1"]
        await withoutWaiting(on: clock, "a slow answer did not end the stall") {
            await delivery.enqueue([other], at: start.addingTimeInterval(1))
        }
        await delivery.retryDue(at: start.addingTimeInterval(1))
        #expect(try await Poll.until { said("answers again") > 0 })
        #expect(said("answers again") == 1)
        // The pass after waits for its write as before.
        notifier.answer([.retryable("down")])
        let armed = clock.alarmsSet
        await delivery.submit([sampleNotification(.resolved)], at: start.addingTimeInterval(2))
        #expect(clock.alarmsSet > armed, "waited for the disk again")
        #expect(files(store).count == 1, "the resolved's entry, on disk before its attempt")
        #expect(said("has not answered") == 1)
    }

    @Test("a storm is written durably as one batch before the first attempt: every file exists when its delivery starts")
    func batch() async throws {
        let store = OutboxStore(stateDirectory: temporaryStateDirectory())
        try store.prepare()
        final class CheckingNotifier: Notifier, @unchecked Sendable {
            let channel = "hook"
            let store: OutboxStore
            var missing = 0
            var seen = 0
            init(store: OutboxStore) { self.store = store }
            func deliver(_ notification: AlertNotification, context: DeliveryContext) async throws(DeliveryError) {
                seen += 1
                let names = (try? FileManager.default.contentsOfDirectory(atPath: store.directory)) ?? []
                if names.count < 100 - seen + 1 { missing += 1 }
            }
        }
        let notifier = CheckingNotifier(store: store)
        let delivery = DeliveryPipeline(
            routes: [DeliveryPipeline.Route(configuration: ChannelConfiguration(name: "hook", settings: .console(.init())), notifier: notifier)],
            store: store, jitter: { 1 }, logger: Self.logger)
        let storm = (0..<100).map { index -> AlertNotification in
            var notification = sampleNotification()
            notification.alert.labels = ["pod": String(index)]
            return notification
        }
        await delivery.submit(storm, at: start)
        #expect(notifier.seen == 100)
        #expect(notifier.missing == 0)
        #expect(files(store).isEmpty)
    }

    @Test("receiver down for 60 s, then back: every notification delivered once, in order per alert")
    func outage() async throws {
        final class DownFor: Notifier, @unchecked Sendable {
            let channel = "hook"
            var upAt: Date
            var now: Date
            var delivered: [(String, AlertNotification.Kind)] = []
            init(upAt: Date) {
                self.upAt = upAt
                now = upAt
            }
            func deliver(_ notification: AlertNotification, context: DeliveryContext) async throws(DeliveryError) {
                guard now >= upAt else { throw .retryable("connection refused") }
                delivered.append((notification.alert.labels["pod"] ?? "", notification.kind))
            }
        }
        let receiver = DownFor(upAt: start.addingTimeInterval(60))
        let delivery = DeliveryPipeline(
            routes: [DeliveryPipeline.Route(configuration: ChannelConfiguration(name: "hook", settings: .console(.init())), notifier: receiver)],
            settings: DeliverySettings(retry: Backoff(initial: .seconds(1), maximum: .seconds(8))),
            store: nil, jitter: { 0.5 }, logger: Self.logger)
        func notification(_ pod: Int, _ kind: AlertNotification.Kind) -> AlertNotification {
            var notification = sampleNotification(kind)
            notification.alert.labels = ["pod": String(pod)]
            return notification
        }
        // During the outage: five alerts fire, then resolve; a round every 5 s.
        for second in stride(from: 0.0, through: 115, by: 5) {
            let now = start.addingTimeInterval(second)
            receiver.now = now
            var batch: [AlertNotification] = []
            if second == 0 { batch = (0..<5).map { notification($0, .firing) } }
            if second == 30 { batch = (0..<5).map { notification($0, .resolved) } }
            await delivery.submit(batch, at: now)
        }
        #expect(receiver.delivered.count == 10)
        for pod in 0..<5 {
            #expect(receiver.delivered.filter { $0.0 == String(pod) }.map(\.1) == [.firing, .resolved])
        }
        #expect(await delivery.pendingCount == 0)
    }

    @Test("a restart recovers pending notifications and delivers them in order with the same idempotency key and attempt count")
    func restart() async throws {
        let directory = temporaryStateDirectory()
        let store = OutboxStore(stateDirectory: directory)
        try store.prepare()
        let first = ScriptedNotifier()
        first.answer([.retryable("down"), .retryable("down")])
        let before = pipeline(first, store: store)
        await before.submit([sampleNotification(), sampleNotification(.resolved)], at: start)
        #expect(files(store).count == 2)
        // The process dies here: nothing but the files survives.
        let second = ScriptedNotifier()
        let after = pipeline(second, store: OutboxStore(stateDirectory: directory))
        #expect(await after.recover(at: start.addingTimeInterval(60)) == 2)
        await after.retryDue(at: start.addingTimeInterval(60))
        // The resolved waited behind its firing, so the first run tried only the firing.
        #expect(first.attempts.map(\.kind) == [.firing])
        #expect(second.attempts.map(\.kind) == [.firing, .resolved])
        #expect(
            second.delivered.map(\.idempotencyKey)
                == [DeliveryContext.key(for: sampleNotification()), DeliveryContext.key(for: sampleNotification(.resolved))])
        #expect(second.delivered.first?.idempotencyKey == first.delivered.first?.idempotencyKey)
        #expect(second.delivered.map(\.attempt) == [2, 1])
        #expect(files(store).isEmpty)
    }

    @Test("a permanent failure removes the entry; a passed deadline gives up, by severity")
    func giveUp() async throws {
        let store = OutboxStore(stateDirectory: temporaryStateDirectory())
        try store.prepare()
        let notifier = ScriptedNotifier()
        notifier.answer([.permanent("bad key")])
        var settings = DeliverySettings(criticalDeadline: .seconds(3600), warningDeadline: .seconds(10))
        settings.retry = Backoff(initial: .seconds(4), maximum: .seconds(4))
        let delivery = pipeline(notifier, store: store, settings: settings)
        await delivery.submit([sampleNotification()], at: start)
        #expect(files(store).isEmpty)
        notifier.answer(Array(repeating: .retryable("down"), count: 10))
        await delivery.submit([sampleNotification(severity: .warning), sampleNotification(.firing, severity: .critical)], at: start)
        for second in stride(from: 4.0, through: 12, by: 4) { await delivery.retryDue(at: start.addingTimeInterval(second)) }
        let left = await delivery.pendingEntries
        #expect(left.map { $0.notification?.alert.severity } == [.critical])
        #expect(await delivery.statistics["hook"]?.failuresByReason["expired"] == 1)
        #expect(await delivery.statistics["hook"]?.failuresByReason["permanent"] == 1)
        #expect(files(store).count == 1)
    }

    @Test("notifications of one alert are delivered in order: a resolved waits for its pending firing")
    func order() async throws {
        let notifier = ScriptedNotifier()
        notifier.answer([.retryable("down")])
        let delivery = pipeline(notifier, store: nil)
        await delivery.submit([sampleNotification()], at: start)
        await delivery.submit([sampleNotification(.resolved)], at: start.addingTimeInterval(0.5))
        #expect(notifier.attempts.map(\.kind) == [.firing])
        await delivery.retryDue(at: start.addingTimeInterval(1))
        #expect(notifier.attempts.map(\.kind) == [.firing, .firing, .resolved])
    }

    @Test("a receiver that is down costs one attempt per pass, not one per notification")
    func downChannel() async throws {
        let notifier = ScriptedNotifier()
        notifier.answer([.retryable("connection refused")])
        let delivery = pipeline(notifier, store: nil)
        let storm = (0..<5).map { index -> AlertNotification in
            var notification = sampleNotification()
            notification.alert.labels = ["gpu": String(index)]
            return notification
        }
        await delivery.submit(storm, at: start)
        #expect(notifier.attempts.count == 1)
        #expect(await delivery.pendingCount == 5)
        await delivery.retryDue(at: start.addingTimeInterval(1))
        #expect(notifier.attempts.count == 6)
        #expect(await delivery.pendingCount == 0)
    }

    @Test(
        "backoff doubles up to the cap; jitter spreads each delay over its upper half",
        arguments: [
            (1, 0.0, 500), (1, 1.0, 1000), (2, 0.5, 1500), (3, 1.0, 4000), (10, 1.0, 60000), (10, 0.0, 30000),
        ])
    func backoff(attempt: Int, jitter: Double, milliseconds: Int64) {
        let policy = Backoff(initial: .seconds(1), maximum: .seconds(60))
        #expect(policy.delay(afterFailures: attempt, jitter: jitter) == .milliseconds(milliseconds))
    }

    @Test("leftover temporary files are cleaned; unreadable entries are reported and left alone")
    func damaged() throws {
        let store = OutboxStore(stateDirectory: temporaryStateDirectory())
        try store.prepare()
        try "partial".write(toFile: store.directory + "/.x.tmp", atomically: false, encoding: .utf8)
        try "{not json".write(toFile: store.directory + "/0-0-x.json", atomically: false, encoding: .utf8)
        let loaded = store.load()
        #expect(loaded.entries.isEmpty)
        #expect(loaded.unreadable == ["0-0-x.json"])
        #expect(files(store) == ["0-0-x.json"])
    }

    @Test(
        "state directory: configured, root, XDG, home",
        arguments: [
            ("/srv/hr" as String?, [String: String](), false, "/srv/hr"),
            (nil, [:], true, "/var/lib/headroom"),
            (nil, ["XDG_STATE_HOME": "/x/state", "HOME": "/home/a"], false, "/x/state/headroom"),
            (nil, ["XDG_STATE_HOME": "relative", "HOME": "/home/a"], false, "/home/a/.local/state/headroom"),
            (nil, ["HOME": "/home/a"], false, "/home/a/.local/state/headroom"),
        ])
    func stateDirectory(configured: String?, environment: [String: String], root: Bool, expected: String) {
        #expect(StateDirectory.resolve(configured: configured, environment: environment, isRoot: root) == expected)
    }
}
