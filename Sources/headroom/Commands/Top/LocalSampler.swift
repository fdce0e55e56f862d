import Foundation
import HeadroomCollectors
import HeadroomCore
import HeadroomDaemon
import HeadroomTop

/// Samples this host with the daemon's own collectors when no daemon answers, and derives
/// the rates from the previous round as the daemon does.
final class LocalSampler {
    private let host: HostSampler
    private var previous: HostSnapshot?

    init(settings: CollectorSettings) {
        host = HostSampler(settings: settings)
    }

    /// One round, as `/api/v1/status` would show it.
    func sample() async -> TopStatus {
        let snapshot = await host.snapshot()
        let reports = snapshot.collectors
        let evaluated = SampleDerivation.evaluationSamples(previous: previous, current: snapshot)
        previous = snapshot
        return TopStatus(
            hostname: ProcessInfo.processInfo.hostName, time: snapshot.time,
            collectors: reports.map { TopStatus.CollectorHealth(name: $0.collector, ok: !$0.isFailure, reason: $0.reason) },
            samples: evaluated)
    }
}
