import Foundation
import HeadroomCore
import Testing

@testable import HeadroomNotify

/// The outbox state machine alone: actions in, actions out, no actor, no disk, no clock.
@Suite("Outbox state machine")
struct OutboxStateTests {
    let start = Date(timeIntervalSince1970: 1_800_000_100)
    let hook = ChannelConfiguration(name: "hook", settings: .console(.init()))
    let slack = ChannelConfiguration(name: "slack", settings: .slack(SlackConfiguration(endpoint: HTTPEndpoint(url: Secret("https://x.example/")))))

    func notification(_ gpu: Int, _ kind: AlertNotification.Kind = .firing) -> AlertNotification {
        var notification = sampleNotification(kind)
        notification.alert.labels = ["gpu": String(gpu)]
        return notification
    }

    func persisted(_ actions: [Outbox.Action]) -> [OutboxEntry] {
        actions.compactMap { if case .persist(let entry) = $0 { entry } else { nil } }
    }

    /// Runs a pass to its end, settling every attempt with the next outcome (success when none is left).
    func pass(
        _ outbox: inout Outbox, _ channels: [ChannelConfiguration], at now: Date, outcomes: [Result<Void, DeliveryError>] = []
    ) -> (attempts: [Outbox.Attempt], actions: [Outbox.Action]) {
        var (pass, actions) = outbox.beginPass(at: now, force: false)
        var attempts: [Outbox.Attempt] = []
        var outcomes = outcomes
        while let attempt = outbox.nextAttempt(in: &pass, channels: channels, at: now) {
            attempts.append(attempt)
            let outcome = outcomes.isEmpty ? .success(()) : outcomes.removeFirst()
            actions += outbox.settle(attempt, outcome: outcome, at: now, jitter: 1)
        }
        return (attempts, actions)
    }

    @Test("enqueueing persists one entry per accepting channel; a disabled channel gets none")
    func enqueue() {
        var outbox = Outbox(settings: DeliverySettings(), maximumPending: 10)
        var off = hook
        off.name = "off"
        off.enabled = false
        let actions = outbox.enqueue([notification(0)], channels: [hook, off], silences: [], at: start)
        #expect(persisted(actions).map(\.channel) == ["hook"])
        #expect(outbox.pending.map(\.channel) == ["hook"])
        #expect(outbox.pending.first?.deadline == start.addingTimeInterval(6 * 3600))
    }

    @Test("a retryable failure reschedules with the backoff, leaves the channel alone for the pass and blocks the stream")
    func retrySchedule() {
        var outbox = Outbox(settings: DeliverySettings(), maximumPending: 10)
        _ = outbox.enqueue([notification(0), notification(0, .resolved), notification(1)], channels: [hook], silences: [], at: start)
        let first = pass(&outbox, [hook], at: start, outcomes: [.failure(.retryable("503"))])
        #expect(first.attempts.count == 1)
        #expect(first.attempts.first?.number == 1)
        guard case .retry(_, let reason, let delay) = first.actions.first else {
            Issue.record("expected a retry, got \(first.actions)")
            return
        }
        #expect(reason == "503")
        #expect(delay == .seconds(1))
        let retried = persisted(first.actions)
        #expect(retried.map(\.attempts) == [1])
        #expect(retried.first?.notBefore == start.addingTimeInterval(1))
        #expect(outbox.pending.count == 3)
        #expect(outbox.nextAttemptDate == start)
        // Half a second later the firing still waits, so its resolved may not overtake it.
        let second = pass(&outbox, [hook], at: start.addingTimeInterval(0.5))
        #expect(second.attempts.map(\.notification.alert.labels) == [["gpu": "1"]])
        let third = pass(&outbox, [hook], at: start.addingTimeInterval(1))
        #expect(third.attempts.map(\.notification.kind) == [.firing, .resolved])
        #expect(third.attempts.map(\.number) == [2, 1])
        #expect(outbox.pending.isEmpty)
        #expect(outbox.statistics["hook"]?.failuresByReason == ["retryable": 1])
        #expect(outbox.statistics["hook"]?.successes == 3)
    }

    @Test("a permanent failure removes the entries: one classification path")
    func permanent() {
        var outbox = Outbox(settings: DeliverySettings(), maximumPending: 10)
        _ = outbox.enqueue([notification(0)], channels: [hook], silences: [], at: start)
        let result = pass(&outbox, [hook], at: start, outcomes: [.failure(.permanent("401"))])
        guard case .remove(let removed) = result.actions.first, case .failedPermanently(_, "401") = result.actions.last else {
            Issue.record("unexpected \(result.actions)")
            return
        }
        #expect(removed.channel == "hook")
        #expect(outbox.pending.isEmpty)
        #expect(outbox.statistics["hook"]?.failures == 1)
        #expect(outbox.statistics["hook"]?.failuresByReason == ["permanent": 1])
    }

    @Test("past its deadline an entry expires instead of being attempted")
    func expiry() {
        var outbox = Outbox(settings: DeliverySettings(infoDeadline: .seconds(10)), maximumPending: 10)
        var info = notification(0)
        info.alert.severity = .info
        _ = outbox.enqueue([info], channels: [hook], silences: [], at: start)
        let result = pass(&outbox, [hook], at: start.addingTimeInterval(10))
        #expect(result.attempts.isEmpty)
        guard case .expired(let entry) = result.actions.first else {
            Issue.record("expected an expiry, got \(result.actions)")
            return
        }
        #expect(entry.channel == "hook")
        #expect(outbox.statistics["hook"]?.failuresByReason == ["expired": 1])
    }

    @Test("a full queue drops its oldest entry")
    func cap() {
        var outbox = Outbox(settings: DeliverySettings(), maximumPending: 2)
        let actions = outbox.enqueue([notification(0), notification(1), notification(2)], channels: [hook], silences: [], at: start)
        let dropped = actions.compactMap { if case .dropped(let entry) = $0 { entry } else { nil } }
        #expect(dropped.map(\.stored.labels) == [["gpu": "0"]])
        #expect(outbox.pending.map(\.stored.labels) == [["gpu": "1"], ["gpu": "2"]])
        #expect(outbox.statistics["hook"]?.dropped == 1)
    }

    @Test("over the rate budget the due entries go out as one digest with a stable key; with no budget left they wait")
    func digest() {
        var outbox = Outbox(settings: DeliverySettings(), maximumPending: 10)
        _ = outbox.enqueue([notification(0), notification(1), notification(2)], channels: [slack], silences: [], at: start)
        let keys = outbox.pending.map(\.idempotencyKey)
        let result = pass(&outbox, [slack], at: start)
        #expect(result.attempts.count == 1)
        let attempt = result.attempts.first
        #expect(attempt?.digest?.count == 3)
        let expected = "digest-" + HMACSHA256.hex(Array(HMACSHA256.mac(key: "digest", message: keys.joined(separator: "\n")).prefix(8)))
        #expect(attempt?.idempotencyKey == expected)
        #expect(outbox.statistics["slack"]?.digests == 1)
        #expect(outbox.budgetsChanged)
        _ = outbox.enqueue([notification(3)], channels: [slack], silences: [], at: start)
        #expect(pass(&outbox, [slack], at: start.addingTimeInterval(0.5)).attempts.isEmpty)
        #expect(pass(&outbox, [slack], at: start.addingTimeInterval(1)).attempts.map(\.digest) == [nil])
    }

    @Test("a group window collects first attempts into one digest")
    func group() {
        var settings = DeliverySettings()
        settings.groupWindow = .seconds(30)
        var outbox = Outbox(settings: settings, maximumPending: 10)
        _ = outbox.enqueue([notification(0)], channels: [hook], silences: [], at: start)
        _ = outbox.enqueue([notification(1)], channels: [hook], silences: [], at: start.addingTimeInterval(10))
        #expect(outbox.pending.map(\.notBefore) == [start.addingTimeInterval(30), start.addingTimeInterval(30)])
        #expect(pass(&outbox, [hook], at: start.addingTimeInterval(29)).attempts.isEmpty)
        let result = pass(&outbox, [hook], at: start.addingTimeInterval(30))
        #expect(result.attempts.map { $0.digest?.count } == [2])
    }

    @Test("an entry enqueued while an attempt is out is not lost and keeps its stream's order")
    func reentrant() {
        var outbox = Outbox(settings: DeliverySettings(), maximumPending: 10)
        _ = outbox.enqueue([notification(0)], channels: [hook], silences: [], at: start)
        var (pass, _) = outbox.beginPass(at: start, force: false)
        guard let attempt = outbox.nextAttempt(in: &pass, channels: [hook], at: start) else {
            Issue.record("expected an attempt")
            return
        }
        _ = outbox.enqueue([notification(0, .resolved)], channels: [hook], silences: [], at: start)
        _ = outbox.settle(attempt, outcome: .failure(.retryable("timeout")), at: start, jitter: 0)
        #expect(outbox.nextAttempt(in: &pass, channels: [hook], at: start) == nil)
        #expect(outbox.pending.map(\.notification?.kind) == [.firing, .resolved])
        #expect(outbox.nextAttemptDate == start)
        let later = self.pass(&outbox, [hook], at: start.addingTimeInterval(0.4))
        #expect(later.attempts.isEmpty)
    }
}
