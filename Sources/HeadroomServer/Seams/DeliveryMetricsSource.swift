public import HeadroomCore

/// Seam for the delivery pipeline's self-metrics (attempts, failures, outbox depth): the
/// samples are printed on `/metrics` with the `headroom_` prefix. Wired when the durable
/// delivery work lands; until then `NoDeliveryMetrics` adds nothing.
public protocol DeliveryMetricsSource: Sendable {
    func deliverySamples() async -> [Sample]
}

/// The empty default: no delivery metrics.
public struct NoDeliveryMetrics: DeliveryMetricsSource {
    public init() {}
    public func deliverySamples() async -> [Sample] { [] }
}
