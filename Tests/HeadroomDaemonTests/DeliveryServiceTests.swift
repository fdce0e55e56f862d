import Foundation
import HeadroomCollectors
import HeadroomConfig
import HeadroomCore
import HeadroomDaemon
import HeadroomNotify
import HeadroomTesting
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// A receiver that accepts the connection and never answers (until released).
final class HangingNotifier: Notifier, Sendable {
    let channel = "hanging"
    private let released = Latch()
    private let calledCount = Mutex(0)
    /// Opens at the first call.
    let called = Latch()

    var calls: Int { calledCount.withLock { $0 } }

    func release() { released.open() }

    func deliver(_ notification: AlertNotification, context _: DeliveryContext) async throws(DeliveryError) {
        calledCount.withLock { $0 += 1 }
        called.open()
        await released.wait()
    }
}

/// The daemon's services run by the real service group on a manual clock: rounds, deliveries
/// and retries happen when the test moves time, and never otherwise.
struct LiveDaemon {
    let daemon: Daemon
    let clock: ManualClock
    /// One element per round, as the round's observers see it.
    let rounds: AsyncStream<Void>

    init(_ yaml: String, collectors: [any Collector], notifier: any Notifier, clock: ManualClock = ManualClock()) throws {
        self.clock = clock
        let configuration = try ConfigurationLoader.load(yaml: yaml, source: "test.yaml", environment: [:]).get().configuration
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        daemon = Daemon(
            configuration: configuration,
            dependencies: Dependencies(
                clock: clock, makeFiles: { _ in InMemorySystemFiles([:]) }, environment: [:], hostname: "test",
                makeNotifier: { _ in notifier }, collectors: { _ in collectors }), logger: logger)
        let (rounds, continuation) = AsyncStream.makeStream(of: Void.self)
        self.rounds = rounds
        daemon.sampling.observeRounds { _, _ in continuation.yield() }
    }
}

@Suite("Delivery service", .timeLimit(.minutes(1)))
struct DeliveryServiceTests {
    static let yaml = """
        interval: 100ms
        server: {enabled: false}
        delivery: {retry: {initial: 2s, maximum: 10s}}
        default_rules: false
        rules:
          - {name: gpu_memory_critical, metric: gpu_memory_used_percent, at_least: 95, severity: critical}
        channels:
          - type: console
        """
    static func gpu() -> ScriptedCollector { ScriptedCollector(name: "gpu", samples: [Sample("gpu_memory_used_percent", ["gpu": "0"], 97)]) }

    @Test("a receiver that hangs never delays sampling: rounds go on while the delivery waits")
    func hangingReceiver() async throws {
        let notifier = HangingNotifier()
        let live = try LiveDaemon(Self.yaml, collectors: [Self.gpu()], notifier: notifier)
        var rounds = live.rounds.makeAsyncIterator()
        let group = try live.daemon.serviceGroup()
        let running = Task { try await group.run() }
        // The first round runs at once; its firing reaches the receiver, which hangs.
        _ = await rounds.next()
        await notifier.called.wait()
        // While that delivery hangs, each interval the clock moves brings one round.
        for _ in 0..<5 {
            await live.clock.waitForPendingAlarm()
            live.clock.advance(by: .milliseconds(100))
            _ = await rounds.next()
        }
        #expect(notifier.calls == 1) // one attempt in flight, none queued behind it
        notifier.release()
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(await live.daemon.pipeline.pendingCount == 0)
    }

    @Test("a failed delivery is retried when the clock reaches its backoff, not before")
    func retryOnTheClock() async throws {
        let notifier = RecordingNotifier()
        notifier.failNext([.retryable("connection refused")])
        let live = try LiveDaemon(Self.yaml, collectors: [Self.gpu()], notifier: notifier)
        var deliveries = notifier.deliveries.makeAsyncIterator()
        let group = try live.daemon.serviceGroup()
        let running = Task { try await group.run() }
        // The first attempt fails (time has not moved) and the delivery service goes to sleep
        // until the retry, 1–2 s out (equal jitter on 2 s); the round loop sleeps 100 ms at most.
        let start = live.clock.uptime()
        await live.clock.waitForPendingAlarm(notBefore: start + .milliseconds(900))
        let pipeline = live.daemon.pipeline
        let due = try #require(await pipeline.nextAttemptDate())
        let wait = due.timeIntervalSince(live.clock.wallTime())
        #expect(wait >= 1 && wait <= 2, "retry in \(wait) s")
        // Its alarm is the retry's time, rounded up to the millisecond.
        let alarm = start + .milliseconds(Int((wait * 1000).rounded(.up)))
        #expect(live.clock.pendingDeadlines.contains(alarm))
        // Just short of it: nothing is delivered and the retry still waits.
        live.clock.advance(to: due.addingTimeInterval(-0.01))
        #expect(live.clock.pendingDeadlines.contains(alarm))
        #expect(notifier.received.isEmpty)
        #expect(await pipeline.nextAttemptDate() == due)
        // Reaching it wakes the delivery service, which delivers.
        live.clock.advance(to: due.addingTimeInterval(0.001))
        let delivered = await deliveries.next()
        #expect(delivered?.alert.rule == "gpu_memory_critical")
        #expect(await pipeline.pendingCount == 0)
        await group.triggerGracefulShutdown()
        try await running.value
    }
}
