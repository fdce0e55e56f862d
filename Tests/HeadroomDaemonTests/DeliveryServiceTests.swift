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

    var calls: Int { calledCount.withLock { $0 } }

    func release() { released.open() }

    func deliver(_ notification: AlertNotification, context _: DeliveryContext) async throws(DeliveryError) {
        calledCount.withLock { $0 += 1 }
        await released.wait()
    }
}

@Suite("Delivery service")
struct DeliveryServiceTests {
    @Test("a receiver that hangs never delays sampling: rounds go on while the delivery waits")
    func hangingReceiver() async throws {
        let yaml = """
            interval: 100ms
            server: {enabled: false}
            default_rules: false
            rules:
              - {name: gpu_memory_critical, metric: gpu_memory_used_percent, at_least: 95, severity: critical}
            channels:
              - type: console
            """
        let configuration = try ConfigurationLoader.load(yaml: yaml, source: "test.yaml", environment: [:]).get().configuration
        let notifier = HangingNotifier()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let gpu = ScriptedCollector(name: "gpu", samples: [Sample("gpu_memory_used_percent", ["gpu": "0"], 97)])
        let daemon = Daemon(
            configuration: configuration,
            dependencies: Dependencies(
                now: { Date() }, makeFiles: { _ in InMemorySystemFiles([:]) }, environment: [:], hostname: "test",
                makeNotifier: { _ in notifier }, collectors: { _ in [gpu] }), logger: logger)
        let rounds = Atomic<Int>(0)
        daemon.sampling.observeRounds { _, _ in rounds.add(1, ordering: .relaxed) }
        let group = try daemon.serviceGroup()
        let running = Task { try await group.run() }
        // Wait (bounded) for the firing notification to reach the hanging receiver.
        let deadline = ContinuousClock.now + .seconds(20)
        while notifier.calls == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(notifier.calls == 1)
        // While that delivery hangs, sampling keeps its 100 ms rhythm.
        let before = rounds.load(ordering: .relaxed)
        while rounds.load(ordering: .relaxed) < before + 5, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(rounds.load(ordering: .relaxed) >= before + 5)
        #expect(notifier.calls == 1) // one attempt in flight, none queued behind it
        notifier.release()
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(await daemon.pipeline.pendingCount == 0)
    }
}
