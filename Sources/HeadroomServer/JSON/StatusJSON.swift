import HeadroomCore
import Foundation

/// `/api/v1/status`: the latest round as JSON, with what a dashboard needs beside it: the
/// rules' thresholds (to draw them), why the daemon is not ready, and what it costs itself.
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
    /// One rule in force: its series, comparison and threshold (nil for `increases` and
    /// trend rules), hysteresis level and severity.
    struct RuleJSON: Encodable {
        struct MatcherJSON: Encodable {
            var label: String
            var op: String
            var value: String
        }
        var name: String
        var metric: String
        var selector: String
        var matchers: [MatcherJSON]
        var condition: String
        var threshold: Double?
        var clear: Double?
        var severity: String
        var gate: Bool
    }
    /// The daemon's own cost, as `process_*` on `/metrics` shows it.
    struct ProcessJSON: Encodable {
        var residentBytes: Double?
        var cpuSeconds: Double?
        enum CodingKeys: String, CodingKey {
            case residentBytes = "resident_bytes"
            case cpuSeconds = "cpu_seconds"
        }
    }
    var hostname: String
    var time: Date?
    var startedAt: Date
    var uptimeSeconds: Double
    var intervalSeconds: Double
    var ready: Bool
    var readyReason: String?
    var firingAlerts: Int
    var collectors: [CollectorJSON]
    var samples: [SampleJSON]
    var rules: [RuleJSON]
    var process: ProcessJSON

    enum CodingKeys: String, CodingKey {
        case hostname, time, ready, collectors, samples, rules, process
        case startedAt = "started_at"
        case uptimeSeconds = "uptime_seconds"
        case intervalSeconds = "interval_seconds"
        case readyReason = "ready_reason"
        case firingAlerts = "firing_alerts"
    }

    init(_ state: ServerState) {
        hostname = state.hostname
        time = state.sampleTime
        startedAt = state.startedAt
        uptimeSeconds = max(0, (state.now.timeIntervalSince(state.startedAt) * 1000).rounded() / 1000)
        intervalSeconds = state.interval.headroomSeconds
        let readiness = Readiness.evaluate(firing: state.firingAlerts, rules: state.rules)
        ready = readiness.isReady
        readyReason = readiness.reason
        firingAlerts = state.firingAlerts.count
        collectors = state.collectors.map {
            CollectorJSON(collector: $0.collector, ok: !$0.isFailure, durationSeconds: $0.duration.headroomSeconds, reason: $0.reason)
        }
        samples = state.samples.map {
            SampleJSON(
                name: $0.name, labels: $0.labels.dictionary, value: $0.value.isFinite ? $0.value : nil,
                kind: $0.kind == .counter ? "counter" : "gauge", detail: $0.detail)
        }
        rules = state.rules.map { rule in
            RuleJSON(
                name: rule.name, metric: rule.selector.metric, selector: rule.selector.description,
                matchers: rule.selector.matchers.map { .init(label: $0.label, op: $0.operation.rawValue, value: $0.value) },
                condition: rule.condition.symbol, threshold: rule.condition.threshold, clear: rule.clear,
                severity: rule.severity.rawValue, gate: rule.gate)
        }
        func selfValue(_ name: String) -> Double? {
            state.selfFamilies.first { $0.name == name }?.series.first?.value
        }
        process = ProcessJSON(
            residentBytes: selfValue("process_resident_memory_bytes"), cpuSeconds: selfValue("process_cpu_seconds_total"))
    }
}
