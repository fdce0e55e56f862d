import Foundation
import HeadroomConfig
import HeadroomCore
import HeadroomNotify
import HeadroomServer

extension Daemon {
    /// The HTTP server over the daemon's state, or nil when it is switched off.
    static func makeServer(
        _ configuration: HeadroomConfiguration, _ dependencies: Dependencies,
        alerts: AlertCenter, sampling: SamplingService, pipeline: DeliveryPipeline,
        push: PushService?, history: HistoryRecorder?, activity: ServingActivity
    ) -> HTTPServer? {
        guard configuration.server.enabled else { return nil }
        let clock = dependencies.clock
        let now: @Sendable () -> Date = { clock.wallTime() }
        let reader = DaemonStateReader(
            alerts: alerts, sampling: sampling,
            hostname: configuration.hostname ?? dependencies.hostname,
            startedAt: now(), now: now, includeProcess: true)
        let silences: any SilenceEndpoint =
            dependencies.stateDirectory.map { directory in
                SilenceAPI(store: SilenceStore(stateDirectory: directory(configuration.delivery)), clock: clock)
            } ?? NoSilences()
        return HTTPServer(
            settings: configuration.server, state: reader, silences: silences,
            delivery: DaemonMetricsSource(pipeline: pipeline, push: push, now: now),
            history: history ?? NoHistory(), now: now, activity: activity)
    }
}
