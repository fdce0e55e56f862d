public import Foundation
public import HeadroomCore

/// The daemon's latest round, as `/api/v1/status` tells it (or as `headroom top` sampled it
/// itself when no daemon answers).
public struct TopStatus: Sendable, Hashable {
    /// One collector's health in that round.
    public struct CollectorHealth: Sendable, Hashable {
        public var name: String
        public var ok: Bool
        public var reason: String?

        public init(name: String, ok: Bool, reason: String? = nil) {
            self.name = name
            self.ok = ok
            self.reason = reason
        }
    }

    public var hostname: String
    /// When the round was sampled.
    public var time: Date?
    /// The daemon's sampling interval.
    public var intervalSeconds: Double?
    /// How many alerts fire (the list itself comes from `/api/v1/alerts`).
    public var firingAlerts: Int
    public var collectors: [CollectorHealth]
    public var samples: [Sample]
    /// The daemon's rules in force, when its status lists them (newer daemons): their GPU
    /// memory thresholds mark the bars instead of the local configuration's.
    public var rules: [AlertRule]?
    public var uptimeSeconds: Double?
    /// Whether the readiness endpoint answers 200, and why not.
    public var ready: Bool?
    public var readyReason: String?

    public init(
        hostname: String, time: Date? = nil, intervalSeconds: Double? = nil, firingAlerts: Int = 0, collectors: [CollectorHealth] = [],
        samples: [Sample], rules: [AlertRule]? = nil, uptimeSeconds: Double? = nil, ready: Bool? = nil, readyReason: String? = nil
    ) {
        self.hostname = hostname
        self.time = time
        self.intervalSeconds = intervalSeconds
        self.firingAlerts = firingAlerts
        self.collectors = collectors
        self.samples = samples
        self.rules = rules
        self.uptimeSeconds = uptimeSeconds
        self.ready = ready
        self.readyReason = readyReason
    }

    /// Reads `/api/v1/status`. Keys it does not know are ignored; a sample without a name or
    /// a finite value is skipped.
    public static func decode(_ body: [UInt8]) throws(TopDecodingError) -> TopStatus {
        guard let object = JSONValue.object(body) else {
            throw TopDecodingError(endpoint: "/api/v1/status", problem: "the answer is not a JSON object")
        }
        guard let rawSamples = object["samples"] as? [Any] else {
            throw TopDecodingError(endpoint: "/api/v1/status", problem: "the answer has no \"samples\" array")
        }
        var samples: [Sample] = []
        samples.reserveCapacity(rawSamples.count)
        for case let entry as [String: Any] in rawSamples {
            guard let name = entry["name"] as? String, let value = JSONValue.number(entry["value"]), value.isFinite else { continue }
            let kind: SampleKind = (entry["kind"] as? String) == "counter" ? .counter : .gauge
            samples.append(Sample(name, Labels(JSONValue.labels(entry["labels"])), value, kind: kind, detail: entry["detail"] as? String))
        }
        var collectors: [CollectorHealth] = []
        for case let entry as [String: Any] in (object["collectors"] as? [Any]) ?? [] {
            guard let name = entry["collector"] as? String else { continue }
            collectors.append(CollectorHealth(name: name, ok: (entry["ok"] as? Bool) ?? true, reason: entry["reason"] as? String))
        }
        return TopStatus(
            hostname: (object["hostname"] as? String) ?? "?",
            time: (object["time"] as? String).flatMap(RFC3339.parse),
            intervalSeconds: JSONValue.number(object["interval_seconds"]),
            firingAlerts: JSONValue.number(object["firing_alerts"]).map { Int($0) } ?? 0,
            collectors: collectors,
            samples: samples,
            rules: (object["rules"] as? [Any]).map(rules),
            uptimeSeconds: JSONValue.number(object["uptime_seconds"]),
            ready: object["ready"] as? Bool,
            readyReason: object["ready_reason"] as? String)
    }

    /// The threshold rules of `"rules": [{name, metric, matchers: [{label, op, value}],
    /// condition: ">"|"≥"|"<"|"≤"|…, threshold, severity}]`; `increases` and trend rules, and
    /// entries this version cannot read, are left out.
    static func rules(_ array: [Any]) -> [AlertRule] {
        var rules: [AlertRule] = []
        for case let entry as [String: Any] in array {
            guard let name = entry["name"] as? String, let metric = entry["metric"] as? String, let threshold = JSONValue.number(entry["threshold"]),
                let severity = (entry["severity"] as? String).flatMap(Severity.init(rawValue:))
            else { continue }
            let condition: Condition
            switch entry["condition"] as? String {
            case ">": condition = .above(threshold)
            case "≥", ">=": condition = .atLeast(threshold)
            case "<": condition = .below(threshold)
            case "≤", "<=": condition = .atMost(threshold)
            default: continue
            }
            var matchers: [MetricSelector.Matcher] = []
            for case let matcher as [String: Any] in (entry["matchers"] as? [Any]) ?? [] {
                guard let label = matcher["label"] as? String, let value = matcher["value"] as? String,
                    let operation = (matcher["op"] as? String).flatMap(MetricSelector.Matcher.Operation.init(rawValue:))
                else { continue }
                matchers.append(MetricSelector.Matcher(label, operation, value))
            }
            rules.append(AlertRule(name: name, selector: MetricSelector(metric, matchers), condition: condition, severity: severity))
        }
        return rules
    }
}
