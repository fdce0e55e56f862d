import Foundation
import HeadroomCore
import HeadroomServer

/// The server's view of the daemon: the alert center's latest round, never a new collection.
struct DaemonStateReader: StateReader {
    let alerts: AlertCenter
    let sampling: SamplingService
    let hostname: String
    let startedAt: Date
    let now: @Sendable () -> Date
    /// Whether to read `/proc/self` for the process families (off in tests that compare pages).
    let includeProcess: Bool

    func read() async -> ServerState {
        let snapshot = alerts.latestSnapshot
        return ServerState(
            samples: alerts.latestSamples,
            collectors: snapshot?.collectors ?? [],
            sampleTime: snapshot?.time,
            firingAlerts: alerts.firingAlerts,
            rules: alerts.rules,
            hostname: hostname,
            interval: sampling.currentInterval,
            startedAt: startedAt,
            now: now(),
            selfFamilies: includeProcess ? ProcessSelfMetrics.families(startedAt: startedAt) : []
        )
    }
}
