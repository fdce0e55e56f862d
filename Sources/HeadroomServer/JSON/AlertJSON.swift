import HeadroomCore
import Foundation

/// One alert as `/api/v1/alerts` and `/readyz` show it.
struct AlertJSON: Encodable {
    var rule: String
    var severity: String
    var state: String
    var metric: String
    var labels: [String: String]
    var value: Double
    var peak: Double
    var threshold: Double?
    var since: Date
    var firedAt: Date?
    var fingerprint: String
    var gate: Bool
    var detail: String?

    enum CodingKeys: String, CodingKey {
        case rule, severity, state, metric, labels, value, peak, threshold, since, fingerprint, gate, detail
        case firedAt = "fired_at"
    }

    init(_ alert: Alert, gate: Bool) {
        rule = alert.rule
        severity = alert.severity.rawValue
        state = "firing"
        metric = alert.metric
        labels = alert.labels.dictionary
        value = alert.value.isFinite ? alert.value : 0
        peak = alert.peak.isFinite ? alert.peak : 0
        threshold = alert.threshold
        since = alert.since
        firedAt = alert.firedAt
        fingerprint = alert.fingerprint
        self.gate = gate
        detail = alert.detail
    }
}
