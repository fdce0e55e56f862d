import Foundation
import HeadroomCore
import HeadroomNotify
import HeadroomTesting
import Logging
import Testing

@Suite("Silences")
struct SilenceTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    let start = Date(timeIntervalSince1970: 1_800_000_100)

    @Test(
        "matchers parse and match the alert's labels plus alertname, severity, metric, host",
        arguments: [
            ("alertname=cpu_overload", true), ("alertname!=cpu_overload", false), ("severity=~warn.*", true),
            ("severity=~warn", false), ("host!~gpu-0[0-9]", false), ("gpu=", true), ("metric=cpu_used_percent", true),
        ])
    func matching(text: String, matches: Bool) throws {
        let matcher = try SilenceMatcher.parse(text).get()
        #expect(matcher.description == text)
        #expect(matcher.matches(Silence.labels(of: sampleNotification())) == matches)
    }

    @Test("malformed matchers are refused with the accepted forms", arguments: ["cpu", "=x", "a b=c", "x=~("])
    func malformed(text: String) {
        guard case .failure = SilenceMatcher.parse(text) else {
            Issue.record("\(text) parsed")
            return
        }
    }

    func silence(_ matchers: [String], until end: TimeInterval = 3600) throws -> Silence {
        Silence(
            id: "s1", matchers: try matchers.map { try SilenceMatcher.parse($0).get() }, startsAt: start,
            endsAt: start.addingTimeInterval(end), comment: "", createdBy: "test")
    }

    func pipeline(_ notifier: ScriptedNotifier, resolvedAfterSilence: Bool = true) -> DeliveryPipeline {
        var settings = DeliverySettings()
        settings.resolvedAfterSilence = resolvedAfterSilence
        return DeliveryPipeline(
            routes: [DeliveryPipeline.Route(configuration: ChannelConfiguration(name: notifier.channel, settings: .console(.init())), notifier: notifier)],
            settings: settings, store: nil, jitter: { 1 }, logger: Self.logger)
    }

    @Test("a silence holds back matching notifications while active, and only those")
    func holdsBack() async throws {
        let notifier = ScriptedNotifier()
        let delivery = pipeline(notifier)
        await delivery.setSilences([try silence(["alertname=cpu_overload", "severity=critical"], until: 60)])
        await delivery.submit([sampleNotification(severity: .critical), sampleNotification(severity: .warning)], at: start)
        #expect(notifier.attempts.map(\.rule) == ["cpu_overload"])
        #expect(await delivery.statistics["hook"]?.silenced == 1)
        await delivery.submit([sampleNotification(.repeat, severity: .critical)], at: start.addingTimeInterval(60))
        #expect(notifier.attempts.count == 2)
    }

    @Test("a delivered firing is followed by its resolved even when silenced in between")
    func resolvedAfterSilence() async throws {
        let notifier = ScriptedNotifier()
        let delivery = pipeline(notifier)
        await delivery.submit([sampleNotification()], at: start)
        await delivery.setSilences([try silence(["alertname=cpu_overload"])])
        await delivery.submit([sampleNotification(.repeat)], at: start.addingTimeInterval(10))
        await delivery.submit([sampleNotification(.resolved)], at: start.addingTimeInterval(20))
        #expect(notifier.attempts.map(\.kind) == [.firing, .resolved])
        // A second incident that starts silenced sends neither its firing nor its resolved.
        await delivery.submit([sampleNotification()], at: start.addingTimeInterval(30))
        await delivery.submit([sampleNotification(.resolved)], at: start.addingTimeInterval(40))
        #expect(notifier.attempts.map(\.kind) == [.firing, .resolved])
    }

    @Test(
        "a silences file that does not answer holds up one pass for its patience, not delivery; what it says applies once it answers",
        .timeLimit(.minutes(1)))
    func hungSilencesFile() async throws {
        let directory = temporaryStateDirectory()
        let store = SilenceStore(stateDirectory: directory)
        // The file is a FIFO: reading it blocks in open(2) until a writer comes, as a file on
        // a disk that stopped answering.
        try HangingFile.make(at: store.path)
        let handler = CapturingLogHandler()
        let notifier = ScriptedNotifier()
        let clock = ManualClock()
        let delivery = DeliveryPipeline(
            routes: [DeliveryPipeline.Route(configuration: ChannelConfiguration(name: notifier.channel, settings: .console(.init())), notifier: notifier)],
            silences: store, diskPatience: .seconds(5), clock: clock, jitter: { 1 }, logger: Logger(label: "test") { _ in handler })
        func said(_ text: String) -> Int { handler.text.components(separatedBy: text).count - 1 }

        // The first pass waits its patience for the read, then sends; the next one does not
        // wait at all (no deadline armed).
        await outlasting(.seconds(5), waits: 1, on: clock) { await delivery.submit([sampleNotification()], at: start) }
        await withoutWaiting(on: clock, "the stalled file is not waited for") {
            await delivery.submit([sampleNotification(.repeat)], at: start.addingTimeInterval(10))
        }
        let stalled = clock.alarmsSet
        #expect(notifier.attempts.map(\.kind) == [.firing, .repeat], "both sent while the read hangs")
        #expect(said("has not answered") == 1, "\(handler.text)")

        // A patience later still, a silence of the alert is added and the disk answers: the
        // hung read gets it too (late), from a writer that comes while it waits; the file is a
        // regular one again.
        clock.advance(by: .seconds(5))
        let added = try silence(["alertname=cpu_overload"])
        try #require(try await HangingFile.answer(at: store.path) { try store.save([added]) }, "no read is waiting on the file")

        // The first pass after the late read returned applies what it found (the passes before
        // it still send), still without waiting: a slow answer does not end the stall.
        var at = start.addingTimeInterval(20)
        var applied = false
        try await withoutWaiting(on: clock, "a slow answer did not end the stall") {
            applied = try await Poll.until(every: .milliseconds(20)) {
                at.addTimeInterval(10)
                await delivery.submit([sampleNotification(.repeat)], at: at)
                return await delivery.statistics["hook"]?.silenced ?? 0 > 0
            }
        }
        #expect(applied)
        let sent = notifier.attempts.count
        // The read that pass started returns in time, which ends the stall, said once; passes
        // wait for the file again.
        #expect(try await Poll.until { said("answers again") > 0 })
        #expect(
            try await Poll.until(every: .milliseconds(20)) {
                at.addTimeInterval(10)
                await delivery.submit([sampleNotification(.repeat)], at: at)
                return clock.alarmsSet > stalled
            })
        #expect(said("answers again") == 1)
        #expect(said("has not answered") == 1)
        #expect(notifier.attempts.count == sent, "nothing more sent once the silence applies")
    }

    @Test("a silences file that could not be read is read again when it can be, even with the same modification time")
    func readAgainAfterFailure() async throws {
        let directory = temporaryStateDirectory()
        let store = SilenceStore(stateDirectory: directory)
        // Unreadable first (a directory in its place), stamped with the time the file will have.
        let stamp = Date(timeIntervalSince1970: 1_800_000_000)
        try FileManager.default.createDirectory(atPath: store.path, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.modificationDate: stamp], ofItemAtPath: store.path)
        let handler = CapturingLogHandler()
        let notifier = ScriptedNotifier()
        let delivery = DeliveryPipeline(
            routes: [DeliveryPipeline.Route(configuration: ChannelConfiguration(name: notifier.channel, settings: .console(.init())), notifier: notifier)],
            silences: store, jitter: { 1 }, logger: Logger(label: "test") { _ in handler })
        await delivery.submit([sampleNotification()], at: start)
        await delivery.submit([sampleNotification(.repeat)], at: start.addingTimeInterval(10))
        #expect(notifier.attempts.count == 2)
        #expect(handler.text.components(separatedBy: "cannot read the silences").count == 2, "said once: \(handler.text)")

        // Readable now, with the same modification time (as a permission fixed would leave it).
        try FileManager.default.removeItem(atPath: store.path)
        try store.save([try silence(["alertname=cpu_overload"])])
        try FileManager.default.setAttributes([.modificationDate: stamp], ofItemAtPath: store.path)
        await delivery.submit([sampleNotification(.repeat)], at: start.addingTimeInterval(20))
        #expect(notifier.attempts.count == 2, "the silence applies")
        #expect(await delivery.statistics["hook"]?.silenced == 1)
    }

    @Test("a silences file that cannot be read is an error naming it, not an empty list; an absent one is")
    func unreadableFile() throws {
        let directory = temporaryStateDirectory()
        let store = SilenceStore(stateDirectory: directory)
        #expect(try store.load().isEmpty)
        try FileManager.default.createDirectory(atPath: store.path, withIntermediateDirectories: true)
        #expect {
            try store.load()
        } throws: { error in
            guard let error = error as? SilenceError else { return false }
            return error.kind == .storage && error.description.contains(store.path)
        }
    }

    @Test("the contract survives a restart: the delivered firings are kept in the state directory")
    func restart() async throws {
        let directory = temporaryStateDirectory()
        let store = OutboxStore(stateDirectory: directory)
        try store.prepare()
        let first = ScriptedNotifier()
        let before = DeliveryPipeline(
            routes: [DeliveryPipeline.Route(configuration: ChannelConfiguration(name: "hook", settings: .console(.init())), notifier: first)],
            store: store, jitter: { 1 }, logger: Self.logger)
        await before.submit([sampleNotification()], at: start)
        let second = ScriptedNotifier()
        let after = DeliveryPipeline(
            routes: [DeliveryPipeline.Route(configuration: ChannelConfiguration(name: "hook", settings: .console(.init())), notifier: second)],
            store: OutboxStore(stateDirectory: directory), jitter: { 1 }, logger: Self.logger)
        await after.recover(at: start.addingTimeInterval(5))
        await after.setSilences([try silence(["alertname=cpu_overload"])])
        await after.submit([sampleNotification(.resolved)], at: start.addingTimeInterval(10))
        #expect(second.attempts.map(\.kind) == [.resolved])
    }

    @Test("a firing still pending in the outbox also earns its resolved; the contract can be switched off")
    func pendingFiring() async throws {
        let notifier = ScriptedNotifier()
        notifier.answer([.retryable("down")])
        let delivery = pipeline(notifier)
        await delivery.submit([sampleNotification()], at: start)
        await delivery.setSilences([try silence(["alertname=cpu_overload"])])
        await delivery.submit([sampleNotification(.resolved)], at: start.addingTimeInterval(0.5))
        await delivery.retryDue(at: start.addingTimeInterval(2))
        #expect(notifier.attempts.map(\.kind) == [.firing, .firing, .resolved])

        let strict = ScriptedNotifier()
        let off = pipeline(strict, resolvedAfterSilence: false)
        await off.submit([sampleNotification()], at: start)
        await off.setSilences([try silence(["alertname=cpu_overload"])])
        await off.submit([sampleNotification(.resolved)], at: start.addingTimeInterval(20))
        #expect(strict.attempts.map(\.kind) == [.firing])
    }

    @Test("the store persists silences atomically and the pipeline reads them when the file changes")
    func store() async throws {
        let directory = temporaryStateDirectory()
        let store = SilenceStore(stateDirectory: directory)
        #expect(try store.load().isEmpty)
        try store.save([try silence(["alertname=cpu_overload"], until: 10 * 365 * 86_400)])
        #expect(try store.load().map(\.id) == ["s1"])
        let notifier = ScriptedNotifier()
        let delivery = DeliveryPipeline(
            routes: [DeliveryPipeline.Route(configuration: ChannelConfiguration(name: "hook", settings: .console(.init())), notifier: notifier)],
            silences: store, jitter: { 1 }, logger: Self.logger)
        await delivery.submit([sampleNotification()], at: start.addingTimeInterval(5))
        #expect(notifier.attempts.isEmpty)
    }

    @Test("one set of rules for the command and the API: a new silence needs a matcher and a positive duration")
    func newSilence() throws {
        let made = try SilenceChange.silence(
            matchers: ["alertname=cpu_overload", "gpu=~0|1"], duration: "2h", comment: "swap",
            createdBy: "ops", id: "ab12cd34", at: start
        ).get()
        #expect(made.matchers.map(\.description) == ["alertname=cpu_overload", "gpu=~0|1"])
        #expect(made.endsAt == start.addingTimeInterval(7200) && made.startsAt == start && made.createdBy == "ops")
        for (matchers, duration, message) in [
            ([String](), "1h", "at least one matcher"), (["gpu~0"], "1h", "expected NAME=VALUE"),
            (["gpu=0"], "0s", "duration 0s"), (["gpu=0"], "soon", "duration soon"),
        ] {
            guard
                case .failure(let error) = SilenceChange.silence(
                    matchers: matchers, duration: duration, comment: "", createdBy: "",
                    id: "x", at: start)
            else {
                Issue.record("\(matchers) \(duration) was accepted")
                continue
            }
            #expect(error.kind == .invalid && error.description.contains(message))
        }
        #expect(SilenceChange.newID().count == 8)
    }

    @Test("expiring ends a running silence now; an ended or unknown id is not found; ended silences stay a day")
    func expiring() throws {
        let running = try silence(["alertname=cpu_overload"])
        var ended = try silence(["gpu=1"], until: 60)
        ended.id = "s2"
        var old = try silence(["gpu=2"], until: 60)
        old.id = "s3"
        old.endsAt = start.addingTimeInterval(-2 * 86_400)
        let at = start.addingTimeInterval(120)
        let (left, expired) = try SilenceChange.expiring("s1", in: [running, ended, old], at: at).get()
        #expect(expired.endsAt == at && expired.id == "s1")
        #expect(left.map(\.id) == ["s1", "s2"])
        #expect(SilenceChange.running(left, at: at).isEmpty)
        for id in ["s2", "s3", "nope"] {
            guard case .failure(let error) = SilenceChange.expiring(id, in: [running, ended, old], at: at) else {
                Issue.record("\(id) expired")
                continue
            }
            #expect(error.kind == .notFound && error.description.contains("no active silence \(id)"))
        }
        var fresh = try silence(["gpu=3"])
        fresh.id = "s4"
        let added = try SilenceChange.adding(fresh, to: [running, ended, old], at: at).get()
        #expect(added == .added([running, ended, fresh]))
    }

    @Test(
        "an id names one silence: the same silence again while it runs (a retried create) is present and changes nothing; another one under its id, or one that ended, is a conflict"
    )
    func addingByID() throws {
        let running = try silence(["alertname=cpu_overload"])
        let at = start.addingTimeInterval(120)
        // Sent again two minutes later: its times differ, the silence does not.
        var retried = running
        retried.startsAt = at
        retried.endsAt = at.addingTimeInterval(3600)
        #expect(try SilenceChange.adding(retried, to: [running], at: at).get() == .present(running))
        var otherComment = running
        otherComment.comment = "other"
        var longer = retried
        longer.endsAt = at.addingTimeInterval(7200)
        for other in [try silence(["gpu=3"]), otherComment, longer] {
            guard case .failure(let error) = SilenceChange.adding(other, to: [running], at: at) else {
                Issue.record("\(other) was added under s1")
                continue
            }
            #expect(error.kind == .conflict && error.description.contains("silence s1 exists already"))
        }
        // Expired (or run out): the same create again would silence nothing, so it is refused.
        var expired = running
        expired.endsAt = start.addingTimeInterval(60)
        guard case .failure(let ended) = SilenceChange.adding(retried, to: [expired], at: at) else {
            Issue.record("a retry of an ended silence was taken as present")
            return
        }
        #expect(ended.kind == .conflict && ended.description.contains("silence s1 ended at"))
        // An id whose silence ended over a day ago (and is dropped) is free again.
        var old = running
        old.endsAt = start.addingTimeInterval(-2 * 86_400)
        let reused = try silence(["gpu=3"])
        #expect(try SilenceChange.adding(reused, to: [old], at: at).get() == .added([reused]))
        #expect(["a", "6f1c2a9e", "deploy-2026-12-06_1.2", String(repeating: "x", count: 64)].allSatisfy(SilenceChange.isValidID))
        #expect(!["", "-x", ".x", "a b", "a/b", "é", String(repeating: "x", count: 65)].contains(where: SilenceChange.isValidID))
    }
}
