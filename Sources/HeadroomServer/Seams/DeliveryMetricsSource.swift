public import HeadroomCore

/// Seam for the daemon's delivery and push self-metrics (attempts, failures, outbox depth,
/// push buffer): the samples are printed on `/metrics` with the `headroom_` prefix. The
/// daemon plugs in `DaemonMetricsSource`; a server built without one (tests, tools) uses
/// `NoDeliveryMetrics`, which adds nothing.
public protocol DeliveryMetricsSource: Sendable {
    func deliverySamples() async -> [Sample]
}

/// The empty default: no delivery metrics.
public struct NoDeliveryMetrics: DeliveryMetricsSource {
    public init() {}
    public func deliverySamples() async -> [Sample] { [] }
}
