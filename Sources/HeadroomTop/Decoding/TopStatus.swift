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

    public init(
        hostname: String, time: Date? = nil, intervalSeconds: Double? = nil, firingAlerts: Int = 0, collectors: [CollectorHealth] = [],
        samples: [Sample]
    ) {
        self.hostname = hostname
        self.time = time
        self.intervalSeconds = intervalSeconds
        self.firingAlerts = firingAlerts
        self.collectors = collectors
        self.samples = samples
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
            samples: samples)
    }
}
