import HeadroomConfig
import HeadroomCore
import HeadroomServer

extension Daemon {
    /// The HTTP server over the daemon's state, or nil when it is switched off.
    static func makeServer(_ configuration: HeadroomConfiguration, _ dependencies: Dependencies,
                           alerts: AlertCenter, sampling: SamplingService, push: PushService?) -> HTTPServer? {
        guard configuration.server.enabled else { return nil }
        let reader = DaemonStateReader(
            alerts: alerts, sampling: sampling,
            hostname: configuration.hostname ?? dependencies.hostname,
            startedAt: dependencies.now(), now: dependencies.now, includeProcess: true)
        // The delivery self-metrics seam: push counters now; the delivery pipeline's join at integration.
        return HTTPServer(settings: configuration.server, state: reader, delivery: PushMetricsSource(push: push))
    }
}
