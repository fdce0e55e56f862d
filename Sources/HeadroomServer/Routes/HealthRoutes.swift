import HeadroomCore
import Hummingbird

/// `GET /healthz` (liveness: the sampling loop is alive) and `GET /readyz` (the readiness
/// gate: 503 while an alert of a `gate: true` rule fires).
enum HealthRoutes {
    struct HealthJSON: Encodable {
        var status: String
        var lastSampleAgeSeconds: Double?
        var limitSeconds: Double
        enum CodingKeys: String, CodingKey {
            case status
            case lastSampleAgeSeconds = "last_sample_age_seconds"
            case limitSeconds = "limit_seconds"
        }
    }

    /// `{"status": …, "reason": …, "alerts": [the gating alerts, as /api/v1/alerts shows them]}`.
    static func readyJSON(status: String, reason: String?, alerts: [Alert]) -> String {
        var writer = JSONObjectWriter()
        writer.string("status", status)
        writer.string("reason", reason)
        writer.raw("alerts", "[" + alerts.map { AlertJSON.encode(firing: $0, gate: true) }.joined(separator: ",") + "]")
        return writer.finish()
    }

    static func add(to router: Router<BasicRequestContext>, state: any StateReader) {
        router.get("/healthz") { _, _ -> Response in
            let current = await state.read()
            let liveness = Liveness.evaluate(
                lastSample: current.sampleTime, startedAt: current.startedAt,
                now: current.now, interval: current.interval)
            let body = HealthJSON(
                status: liveness.isAlive ? "ok" : "stalled",
                lastSampleAgeSeconds: liveness.lastSampleAgeSeconds, limitSeconds: liveness.limitSeconds)
            return Responses.json(liveness.isAlive ? .ok : .serviceUnavailable, JSONBody.encode(body))
        }
        router.get("/readyz") { _, _ -> Response in
            let current = await state.read()
            let readiness = Readiness.evaluate(firing: current.firingAlerts, rules: current.rules)
            guard !readiness.isReady else {
                return Responses.json(.ok, readyJSON(status: "ready", reason: nil, alerts: []))
            }
            return Responses.json(
                .serviceUnavailable, readyJSON(status: "not_ready", reason: readiness.reason, alerts: readiness.blocking))
        }
    }
}
