import Foundation
import HeadroomCollectors
import HeadroomCore
import HeadroomDaemon
import HeadroomTop

/// Samples this host with the daemon's own collectors when no daemon answers, and derives
/// the rates from the previous round as the daemon does.
final class LocalSampler {
    private let runners: [CollectorRunner]
    private let budget: Duration
    private var previous: HostSnapshot?

    init(settings: CollectorSettings) {
        let files = RootedSystemFiles(root: settings.root)
        runners = CollectorCatalog.make(settings: settings, files: files).map(CollectorRunner.init)
        budget = settings.timeout
    }

    /// Whether a previous round exists (CPU and other rates need two).
    var hasPrevious: Bool { previous != nil }

    /// One round, as `/api/v1/status` would show it.
    func sample() async -> TopStatus {
        var reports: [CollectorReport] = []
        var samples: [Sample] = []
        for (report, collected) in await CollectorRound.run(runners, budget: budget, clock: SystemClock()) {
            reports.append(report)
            samples += collected
        }
        let snapshot = HostSnapshot(time: Date(), samples: samples, collectors: reports)
        let evaluated = SampleDerivation.evaluationSamples(previous: previous, current: snapshot)
        previous = snapshot
        return TopStatus(
            hostname: ProcessInfo.processInfo.hostName, time: snapshot.time,
            collectors: reports.map { TopStatus.CollectorHealth(name: $0.collector, ok: !$0.isFailure, reason: $0.reason) },
            samples: evaluated)
    }
}
