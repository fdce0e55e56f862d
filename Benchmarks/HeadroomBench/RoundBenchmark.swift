import Foundation
import HeadroomCollectors
import HeadroomConfig
import HeadroomCore
import HeadroomDaemon
import HeadroomNotify
import Logging

/// One whole daemon round in-process (collectors on their queues, derivation, evaluation of
/// the default rules, delivery), back to back: the CPU a round costs without the sleep
/// between rounds. The gap to the idle daemon's CPU per round is scheduling and wake-ups.
enum RoundBenchmark {
    static func run() async {
        let rounds = 500
        let wallBefore = ContinuousClock.now
        let cpu = await cpuPerRound(rounds: rounds)
        let wall = (ContinuousClock.now - wallBefore).headroomSeconds / Double(rounds)
        print("")
        print("## One daemon round in-process (default rules, \(rounds) rounds back to back)")
        print("| what | per round |")
        print("|---|---|")
        print("| CPU (all threads) | \(micro(cpu)) |")
        print("| wall | \(micro(wall)) |")
    }

    /// CPU per round of a daemon on the embedded default, after 20 warm-up rounds.
    static func cpuPerRound(rounds: Int) async -> Double {
        guard case .success(let loaded) = ConfigurationLoader.load(yaml: nil, source: "bench", environment: [:]) else { return .nan }
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        var dependencies = Dependencies.live(environment: [:])
        dependencies.makeNotifier = { _ in NullNotifier() }
        let daemon = Daemon(configuration: loaded.configuration, dependencies: dependencies, logger: logger)
        for _ in 0..<20 { await daemon.sampling.tick() }
        let cpuBefore = processCPUSeconds()
        for _ in 0..<rounds { await daemon.sampling.tick() }
        return (processCPUSeconds() - cpuBefore) / Double(rounds)
    }

    /// CPU time of every thread of the process. `clock()` rather than `clock_gettime`: the
    /// static SDK's `timespec` is not visible from here under MemberImportVisibility.
    static func processCPUSeconds() -> Double {
        Double(clock()) / 1_000_000 // POSIX: CLOCKS_PER_SEC is one million
    }
}

/// A channel that drops everything.
struct NullNotifier: Notifier {
    let channel = "null"
    func deliver(_ notification: AlertNotification, context _: DeliveryContext) async throws(DeliveryError) {}
}
