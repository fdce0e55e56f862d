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

    struct ReadyJSON: Encodable {
        var status: String
        var reason: String?
        var alerts: [AlertJSON]
    }

    static func add(to router: Router<BasicRequestContext>, state: any StateReader) {
        router.get("/healthz") { _, _ -> Response in
            let current = await state.read()
            let liveness = Liveness.evaluate(lastSample: current.sampleTime, startedAt: current.startedAt,
                                             now: current.now, interval: current.interval)
            let body = HealthJSON(status: liveness.isAlive ? "ok" : "stalled",
                                  lastSampleAgeSeconds: liveness.lastSampleAgeSeconds, limitSeconds: liveness.limitSeconds)
            return Responses.json(liveness.isAlive ? .ok : .serviceUnavailable, JSONBody.encode(body))
        }
        router.get("/readyz") { _, _ -> Response in
            let current = await state.read()
            let readiness = Readiness.evaluate(firing: current.firingAlerts, rules: current.rules)
            guard !readiness.isReady else {
                return Responses.json(.ok, JSONBody.encode(ReadyJSON(status: "ready", reason: nil, alerts: [])))
            }
            let names = readiness.blocking.map { alert in
                alert.labels.isEmpty ? alert.rule : "\(alert.rule)\(alert.labels)"
            }
            let reason = "gating alert firing: " + names.joined(separator: ", ")
            let body = ReadyJSON(status: "not_ready", reason: reason, alerts: readiness.blocking.map { AlertJSON($0, gate: true) })
            return Responses.json(.serviceUnavailable, JSONBody.encode(body))
        }
    }
}
