import HeadroomCore
import Hummingbird

/// `GET /metrics`: the latest round in Prometheus text 0.0.4, or OpenMetrics 1.0 when the
/// `Accept` header asks for it. Rendering only: a scrape never triggers a collection.
enum MetricsRoutes {
    static func add(to router: Router<BasicRequestContext>, state: any StateReader, delivery: any DeliveryMetricsSource) {
        let cache = PageCache()
        router.get("/metrics") { request, _ -> Response in
            let format = ExpositionFormat.negotiate(accept: request.headers[.accept])
            let current = await state.read()
            let key = PageCache.Key(sampleTime: current.sampleTime, format: format, alerts: current.firingAlerts.map(\.fingerprint))
            let round = ExpositionInput(
                samples: current.samples, firingAlerts: current.firingAlerts, hostname: current.hostname,
                sampleTime: current.sampleTime)
            let base = await cache.page(for: key) {
                PrometheusExposition.render(PrometheusExposition.families(round), format: format, terminate: false)
            }
            // The process and delivery families change between rounds: rendered on every scrape.
            let live = current.selfFamilies + PrometheusExposition.sampleFamilies(await delivery.deliverySamples())
            let page = base + PrometheusExposition.render(live, format: format)
            return Responses.text(.ok, page, contentType: format.contentType)
        }
    }
}
