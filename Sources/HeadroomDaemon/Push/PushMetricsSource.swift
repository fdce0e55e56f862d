import HeadroomCore
import HeadroomServer

/// Puts the push counters on `/metrics` through the server's delivery-metrics seam.
struct PushMetricsSource: DeliveryMetricsSource {
    let push: PushService?
    func deliverySamples() async -> [Sample] {
        await push?.samples() ?? []
    }
}
