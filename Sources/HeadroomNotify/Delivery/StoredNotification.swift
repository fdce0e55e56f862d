import Foundation
public import HeadroomCore

/// The on-disk form of an `AlertNotification` (JSON via Codable): the kind, time and host
/// beside the alert's own flat encoding (`Alert+Codable`), so a notification read back
/// after a restart renders exactly as it would have.
public struct StoredNotification: Sendable, Hashable, Codable {
    var kind: String
    var time: Date
    var host: String?
    /// Kept apart from `alert` so an entry whose alert no longer parses still has a stream.
    var rule: String
    var labels: [String: String]
    /// Nil when the stored alert no longer parses (written by a newer version).
    var alert: Alert?

    private enum CodingKeys: String, CodingKey { case kind, time, host, rule, labels }

    public init(_ notification: AlertNotification) {
        kind = notification.kind.rawValue
        time = notification.time
        host = notification.host
        rule = notification.alert.rule
        labels = Dictionary(notification.alert.labels.pairs.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
        alert = notification.alert
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(String.self, forKey: .kind)
        time = try container.decode(Date.self, forKey: .time)
        host = try container.decodeIfPresent(String.self, forKey: .host)
        rule = try container.decode(String.self, forKey: .rule)
        labels = try container.decode([String: String].self, forKey: .labels)
        alert = try? Alert(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        // The alert's keys and these share one flat object.
        try alert?.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(time, forKey: .time)
        try container.encodeIfPresent(host, forKey: .host)
        try container.encode(rule, forKey: .rule)
        try container.encode(labels, forKey: .labels)
    }

    /// The notification, or nil when a field no longer parses.
    public var notification: AlertNotification? {
        guard let kind = AlertNotification.Kind(rawValue: kind), let alert else { return nil }
        return AlertNotification(kind: kind, alert: alert, time: time, host: host)
    }
}
