import HeadroomCore
import Hummingbird

/// `GET /metrics`: the latest round in Prometheus text 0.0.4, or OpenMetrics 1.0 when the
/// `Accept` header asks for it. Rendering only: a scrape never triggers a collection.
enum MetricsRoutes {
    static func add(to router: Router<BasicRequestContext>, state: any StateReader, delivery: any DeliveryMetricsSource) {
        router.get("/metrics") { request, _ -> Response in
            let format = ExpositionFormat.negotiate(accept: request.headers[.accept])
            let current = await state.read()
            let input = ExpositionInput(
                samples: current.samples, firingAlerts: current.firingAlerts, hostname: current.hostname,
                sampleTime: current.sampleTime, selfFamilies: current.selfFamilies,
                extraSamples: await delivery.deliverySamples())
            return Responses.text(.ok, PrometheusExposition.render(input, format: format), contentType: format.contentType)
        }
    }
}
