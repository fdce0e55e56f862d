import Foundation
@testable import HeadroomDaemon
import HeadroomCollectors
import HeadroomCore
import HeadroomNotify
import HeadroomTesting
import ServiceLifecycle
import Synchronization
import Testing

/// The live sampling loop (`RoundLoop` + `CollectorRound.collect` + the clock's alarms), run
/// by the real service group: the paths `tick(at:)` does not take.
@Suite("Live round loop", .timeLimit(.minutes(1)))
struct RoundLoopTests {
    @Test("a round at each slot of a fixed grid the clock reaches, none before; a round that overruns skips the slots it missed")
    func grid() async throws {
        let clock = ManualClock()
        // Its third reading takes 250 ms of the clock: the round from slot 200 ms ends at 450 ms.
        let gpu = OverrunningCollector(clock: clock, overrunOnCall: 3, by: .milliseconds(250))
        let live = try LiveDaemon(DeliveryServiceTests.yaml, collectors: [gpu], notifier: RecordingNotifier(), clock: clock)
        var rounds = live.rounds.makeAsyncIterator()
        let group = try live.daemon.serviceGroup()
        let running = Task { try await group.run() }
        _ = await rounds.next() // the first round runs at once
        #expect(gpu.calls == 1)
        // Short of the next slot: no round (one would have called the collector). Each time,
        // the loop has gone to sleep on the clock before it moves.
        let start = clock.uptime()
        await clock.waitForPendingAlarm()
        #expect(clock.pendingDeadlines == [start + .milliseconds(100)])
        clock.advance(by: .milliseconds(99))
        #expect(clock.pendingDeadlines == [start + .milliseconds(100)]) // still asleep until its slot
        #expect(gpu.calls == 1)
        clock.advance(by: .milliseconds(1))
        _ = await rounds.next()
        #expect(gpu.calls == 2)
        // The slot at 200 ms: that round overruns to 450 ms; the slots at 300 and 400 ms are
        // skipped, the next round is at 500 ms, on the grid.
        await clock.waitForPendingAlarm()
        clock.advance(by: .milliseconds(100))
        _ = await rounds.next()
        #expect(gpu.calls == 3)
        await clock.waitForPendingAlarm()
        #expect(clock.pendingDeadlines == [start + .milliseconds(500)])
        clock.advance(by: .milliseconds(49))
        #expect(clock.pendingDeadlines == [start + .milliseconds(500)])
        #expect(gpu.calls == 3)
        clock.advance(by: .milliseconds(1))
        _ = await rounds.next()
        #expect(gpu.calls == 4)
        await group.triggerGracefulShutdown()
        try await running.value
    }

    @Test("a collector that hangs inside the round thread: the round is finished on another, rounds keep coming, shutdown completes")
    func hangInsideTheRoundThread() async throws {
        // The healthy collector answers first; then the round's own thread gets stuck in the hung one.
        let gpu = ScriptedCollector(name: "gpu", samples: DaemonTests.gpu(50))
        let hung = HangingCollector(name: "nvml")
        defer { hung.release() }
        let notifier = RecordingNotifier()
        let live = try LiveDaemon(
            """
            interval: 100ms
            server: {enabled: false}
            collectors:
              timeout: 400ms
            default_rules: false
            rules:
              - {name: gpu_memory_critical, metric: gpu_memory_used_percent, at_least: 95, severity: critical}
            channels:
              - type: console
            """, collectors: [gpu, hung], notifier: notifier)
        let seen = Mutex<[Set<String>]>([])
        live.daemon.sampling.observeRounds { samples, _ in seen.withLock { $0.append(Set(samples.map(\.name))) } }
        var rounds = live.rounds.makeAsyncIterator()
        let group = try live.daemon.serviceGroup()
        let running = Task { try await group.run() }
        // The budget passes with the round thread stuck: another thread finishes the round.
        await hung.entered.wait()
        live.clock.advance(by: .milliseconds(400))
        _ = await rounds.next()
        for _ in 1..<8 {
            await live.clock.waitForPendingAlarm()
            live.clock.advance(by: .milliseconds(100))
            _ = await rounds.next()
        }
        // Called once, never again while stuck: it sits on its own queue, reported busy.
        #expect(hung.callCount == 1)
        let reports = live.daemon.alerts.latestSnapshot?.collectors ?? []
        #expect(reports.first { $0.collector == "nvml" }?.outcome == .stillBusy)
        #expect(reports.first { $0.collector == "gpu" }?.outcome == .ok)
        // The stall is delivered while the round thread that got stuck is still stuck.
        var deliveries = notifier.deliveries.makeAsyncIterator()
        let stalled = await deliveries.next()
        #expect(stalled.map { "\($0.kind.rawValue):\($0.alert.rule)" } == "firing:collector_stalled")
        // The loop, now carried by another thread, still stops on a graceful shutdown.
        await group.triggerGracefulShutdown()
        try await running.value
        // Every round, the first one included, carried the healthy collector's sample.
        #expect(seen.withLock { $0.count } == 8)
        #expect(seen.withLock { $0 }.allSatisfy { $0.contains("gpu_memory_used_percent") })
    }

    @Test("the system clock's alarms fire in order, no sooner than their deadline; a cancelled one never does")
    func systemAlarms() async throws {
        // The kernel timer itself, so real time: three alarms within 300 ms.
        let clock = SystemClock()
        let fired = Mutex<[Int]>([])
        let done = Latch()
        let start = clock.uptime()
        _ = clock.schedule(at: start + .milliseconds(300)) {
            fired.withLock { $0.append(300) }
            done.open()
        }
        _ = clock.schedule(at: start + .milliseconds(100)) { fired.withLock { $0.append(100) } }
        let cancelled = clock.schedule(at: start + .milliseconds(200)) { fired.withLock { $0.append(200) } }
        clock.cancel(cancelled)
        await done.wait()
        #expect(fired.withLock { $0 } == [100, 300])
        #expect(start.duration(to: clock.uptime()) >= .milliseconds(300))
    }

    @Test("the system clock's sleep ends at its deadline, no sooner; cancelled, it ends at once and throws")
    func systemSleep() async throws {
        let clock = SystemClock()
        let start = clock.uptime()
        try await clock.sleep(until: start + .milliseconds(100))
        #expect(start.duration(to: clock.uptime()) >= .milliseconds(100))
        // An hour's sleep, cancelled: it throws CancellationError long before.
        let sleeper = Task { try await clock.sleep(until: clock.uptime() + .seconds(3600)) }
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        // Already past: returns without waiting for anything.
        try await clock.sleep(until: start)
    }
}

/// A GPU reading whose `overrunOnCall`-th call moves the clock by `by` while it runs: a round
/// that overruns its interval, on a manual clock.
final class OverrunningCollector: Collector {
    let name = "gpu"
    private let clock: ManualClock
    private let overrunOnCall: Int
    private let overrun: Duration
    private let count = Atomic<Int>(0)

    init(clock: ManualClock, overrunOnCall: Int, by overrun: Duration) {
        self.clock = clock
        self.overrunOnCall = overrunOnCall
        self.overrun = overrun
    }

    var calls: Int { count.load(ordering: .acquiring) }

    func collect() throws(CollectorError) -> [Sample] {
        let call = count.add(1, ordering: .acquiringAndReleasing).newValue
        if call == overrunOnCall { clock.advance(by: overrun) }
        return DaemonTests.gpu(50)
    }
}
