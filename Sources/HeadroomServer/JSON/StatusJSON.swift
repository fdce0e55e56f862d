import HeadroomCore
import Foundation

/// `/api/v1/status`: the latest round as JSON.
struct StatusJSON: Encodable {
    struct SampleJSON: Encodable {
        var name: String
        var labels: [String: String]
        var value: Double?
        var kind: String
        var detail: String?
    }
    struct CollectorJSON: Encodable {
        var collector: String
        var ok: Bool
        var durationSeconds: Double
        var reason: String?
        enum CodingKeys: String, CodingKey {
            case collector, ok, reason
            case durationSeconds = "duration_seconds"
        }
    }
    var hostname: String
    var time: Date?
    var intervalSeconds: Double
    var ready: Bool
    var firingAlerts: Int
    var collectors: [CollectorJSON]
    var samples: [SampleJSON]

    enum CodingKeys: String, CodingKey {
        case hostname, time, ready, collectors, samples
        case intervalSeconds = "interval_seconds"
        case firingAlerts = "firing_alerts"
    }

    init(_ state: ServerState) {
        hostname = state.hostname
        time = state.sampleTime
        intervalSeconds = state.interval.headroomSeconds
        ready = Readiness.evaluate(firing: state.firingAlerts, rules: state.rules).isReady
        firingAlerts = state.firingAlerts.count
        collectors = state.collectors.map {
            CollectorJSON(collector: $0.collector, ok: !$0.isFailure, durationSeconds: $0.duration.headroomSeconds, reason: $0.reason)
        }
        samples = state.samples.map {
            SampleJSON(
                name: $0.name, labels: $0.labels.dictionary, value: $0.value.isFinite ? $0.value : nil,
                kind: $0.kind == .counter ? "counter" : "gauge", detail: $0.detail)
        }
    }
}
