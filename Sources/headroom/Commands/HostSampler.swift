import Foundation
import HeadroomCollectors
import HeadroomCore
import HeadroomDaemon
import HeadroomNotify

/// One round of the daemon's own collectors, outside the daemon: `headroom check` and
/// `headroom top` without a daemon. Each collector keeps the daemon's budget.
struct HostSampler {
    private let runners: [CollectorRunner]
    private let budget: Duration

    init(settings: CollectorSettings) {
        runners = CollectorCatalog.make(settings: settings, files: RootedSystemFiles(root: settings.root)).map(CollectorRunner.init)
        budget = settings.timeout
    }

    func snapshot() async -> HostSnapshot {
        CollectorRound.snapshot(await CollectorRound.run(runners, budget: budget, clock: SystemClock()), at: Date())
    }
}
