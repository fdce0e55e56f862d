import Foundation
@testable import HeadroomDaemon
import HeadroomCore
import HeadroomTesting
import ServiceLifecycle
import Synchronization
import Testing

/// The live sampling loop (`RoundLoop` + `CollectorRound.collect` + `RoundWatchdog`), run by
/// the real service group: the paths `tick(at:)` does not take.
@Suite("Live round loop")
struct RoundLoopTests {
    @Test("a collector that hangs inside the round thread: the round is finished on another, rounds keep coming, shutdown completes")
    func hangInsideTheRoundThread() async throws {
        // The hung collector comes first, so the round's own thread is stuck inside it.
        let hung = HangingCollector(name: "nvml")
        defer { hung.release() }
        let gpu = ScriptedCollector(name: "gpu", samples: DaemonTests.gpu(50))
        let harness = try DaemonHarness(
            yaml: """
                interval: 100ms
                server: {enabled: false}
                collectors:
                  timeout: 400ms
                default_rules: false
                rules:
                  - {name: gpu_memory_critical, metric: gpu_memory_used_percent, at_least: 95, severity: critical}
                channels:
                  - type: console
                """, collectors: [hung, gpu])
        let rounds = Mutex<[Set<String>]>([])
        harness.daemon.sampling.observeRounds { samples, _ in
            rounds.withLock { $0.append(Set(samples.map(\.name))) }
        }
        let group = try harness.daemon.serviceGroup()
        let running = Task { try await group.run() }
        let deadline = ContinuousClock.now + .seconds(30)
        while rounds.withLock({ $0.count }) < 8, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let seen = rounds.withLock { $0 }
        #expect(seen.count >= 8)
        // Every round, the first one included, carried the healthy collector's sample.
        #expect(seen.allSatisfy { $0.contains("gpu_memory_used_percent") })
        // Called once, never again while stuck: it sits on its own queue, reported busy.
        #expect(hung.callCount == 1)
        let reports = harness.daemon.alerts.latestSnapshot?.collectors ?? []
        #expect(reports.first { $0.collector == "nvml" }?.outcome == .stillBusy)
        #expect(reports.first { $0.collector == "gpu" }?.outcome == .ok)
        // The stall is delivered while the round thread that got stuck is still stuck.
        while !harness.received.contains("firing:collector_stalled"), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(harness.received.contains("firing:collector_stalled"))
        // The loop, now carried by another thread, still stops on a graceful shutdown.
        await group.triggerGracefulShutdown()
        try await running.value
    }

    @Test("watchdog deadlines fire in order, a cancelled one never does")
    func watchdogDeadlines() async throws {
        let fired = Mutex<[Int]>([])
        let start = ContinuousClock.now
        let watchdog = RoundWatchdog.shared
        _ = watchdog.schedule(at: start + .milliseconds(300)) { fired.withLock { $0.append(300) } }
        _ = watchdog.schedule(at: start + .milliseconds(100)) { fired.withLock { $0.append(100) } }
        let cancelled = watchdog.schedule(at: start + .milliseconds(200)) { fired.withLock { $0.append(200) } }
        watchdog.cancel(cancelled)
        let deadline = ContinuousClock.now + .seconds(20)
        while fired.withLock({ $0.count }) < 2, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(fired.withLock { $0 } == [100, 300])
        // None fired early: the last one no sooner than its deadline.
        #expect(ContinuousClock.now - start >= .milliseconds(300))
    }
}
