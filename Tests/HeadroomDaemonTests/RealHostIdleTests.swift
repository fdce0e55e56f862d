import Foundation
import HeadroomCollectors
import HeadroomConfig
import HeadroomCore
import HeadroomDaemon
import HeadroomNotify
import HeadroomTesting
import Logging
import Testing

/// Every default rule over this real host's own readings for a virtual quarter of an hour:
/// the collectors read the real /proc, /sys and cgroup files each round, and each round is
/// stamped 30 s after the previous one, so `for: 1m` holds, 30 s holds and the leak rules'
/// 10-minute windows all get the time they need to raise a false alarm if they would.
/// (The binary's own idle run, in `RealHostTests`, covers the process end to end.)
@Suite("Real host, virtual time")
struct RealHostIdleTests {
    @Test("25 rounds of real readings 30 s apart (12 virtual minutes): no default rule fires")
    func quietQuarterHour() async throws {
        // CPU is what parallel test suites really pin: cpu_overload firing then would be right.
        let yaml = """
            interval: 30s
            collectors: {disabled: [nvidia, amdgpu]}
            rules:
              - {name: cpu_overload, enabled: false}
            channels:
              - type: console
            """
        let configuration = try ConfigurationLoader.load(yaml: yaml, source: "idle.yaml", environment: [:]).get().configuration
        let notifier = RecordingNotifier()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let dependencies = Dependencies(
            clock: SystemClock(), makeFiles: { RootedSystemFiles(root: $0) }, environment: [:], hostname: "test-host",
            makeNotifier: { _ in notifier })
        let daemon = Daemon(configuration: configuration, dependencies: dependencies, logger: logger)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var seen: Set<String> = []
        for round in 0..<25 {
            let summary = await daemon.sampling.tick(at: start.addingTimeInterval(Double(round) * 30))
            seen.formUnion(daemon.alerts.latestSamples.map(\.name))
            #expect(summary.notifications.isEmpty, "round \(round): \(summary.notifications.map(\.summary))")
            // Real time between real readings of the real host, so rates (CPU, throttling) are
            // measured, not 0/0: the kernel's counters move only with real time.
            try await Task.sleep(for: .milliseconds(100))
        }
        // The rules had real series to judge: host memory, CPU and load at least.
        #expect(seen.isSuperset(of: ["memory_used_percent", "cpu_used_percent", "load1"]), "\(seen.sorted())")
        #expect(daemon.alerts.rules.count > 20)
        #expect(notifier.received.isEmpty)
    }
}
