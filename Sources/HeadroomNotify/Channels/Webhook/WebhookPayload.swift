public import Foundation
public import HeadroomCore

/// Bodies and signatures of the generic webhook (pure).
public enum WebhookPayload {
    /// The request body for `notification`.
    public static func body(
        _ notification: AlertNotification, format: WebhookConfiguration.Format, template: String?,
        idempotencyKey: String, receiver: String, timeZone: TimeZone
    ) -> [UInt8] {
        if let template {
            return Array(render(template: template, notification, idempotencyKey: idempotencyKey, timeZone: timeZone).utf8)
        }
        switch format {
        case .json:
            // The JSON log schema plus the idempotency key as its last field.
            var json = AlertJSON.encode(notification, timeZone: timeZone)
            json.removeLast()
            return Array((json + ",\"idempotency_key\":" + JSONText.quote(idempotencyKey) + "}").utf8)
        case .alertmanager:
            return Array(alertmanager(notification, idempotencyKey: idempotencyKey, receiver: receiver).utf8)
        }
    }

    /// Grafana-compatible signature: lower-case hex HMAC-SHA256 of `timestamp:body`.
    public static func signature(secret: String, timestamp: String, body: [UInt8]) -> String {
        HMACSHA256.hex(HMACSHA256.mac(key: Array(secret.utf8), message: Array((timestamp + ":").utf8) + body))
    }

    /// Alertmanager's webhook payload, version 4, for one alert. Times are UTC, as
    /// Alertmanager writes them; `endsAt` is the zero time while firing.
    public static func alertmanager(_ notification: AlertNotification, idempotencyKey: String, receiver: String) -> String {
        let alert = notification.alert
        let utc = TimeZone(identifier: "UTC")!
        let status = notification.kind == .resolved ? "resolved" : "firing"
        var labels = JSONObjectWriter()
        labels.string("alertname", alert.rule)
        labels.string("severity", alert.severity.rawValue)
        if let host = notification.host { labels.string("instance", host) }
        for pair in alert.labels.pairs where !["alertname", "severity", "instance"].contains(pair.name) {
            labels.string(pair.name, pair.value)
        }
        let labelsJSON = labels.finish()
        var annotations = JSONObjectWriter()
        annotations.string("summary", notification.summary)
        annotations.string("value", MessageFormat.value(alert.value, metric: alert.metric))
        annotations.string("peak", MessageFormat.value(alert.peak, metric: alert.metric))
        annotations.string("metric", alert.metric)
        var item = JSONObjectWriter()
        item.string("status", status)
        item.raw("labels", labelsJSON)
        item.raw("annotations", annotations.finish())
        item.string("startsAt", RFC3339.format(alert.firedAt ?? alert.since, timeZone: utc))
        item.string(
            "endsAt",
            notification.kind == .resolved
                ? RFC3339.format(alert.resolvedAt ?? notification.time, timeZone: utc) : "0001-01-01T00:00:00Z")
        item.string("generatorURL", "")
        item.string("fingerprint", alert.fingerprint)
        var group = JSONObjectWriter()
        group.string("alertname", alert.rule)
        var root = JSONObjectWriter()
        root.string("version", "4")
        root.string("groupKey", "{}:{alertname=\(JSONText.quote(alert.rule))}")
        root.raw("truncatedAlerts", "0")
        root.string("status", status)
        root.string("receiver", receiver)
        root.raw("groupLabels", group.finish())
        root.raw("commonLabels", labelsJSON)
        root.raw("commonAnnotations", "{}")
        root.string("externalURL", "")
        root.string("notification_reason", notification.kind.rawValue)
        root.string("idempotency_key", idempotencyKey)
        root.raw("alerts", "[" + item.finish() + "]")
        return root.finish()
    }

    /// Replaces `{{key}}` with the JSON value of that key of the JSON log schema.
    static func render(template: String, _ notification: AlertNotification, idempotencyKey: String, timeZone: TimeZone) -> String {
        let json = AlertJSON.encode(notification, timeZone: timeZone)
        let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] ?? [:]
        var out = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                rest = rest[open.lowerBound...]
                break
            }
            let key = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            switch key {
            case "json": out += json
            case "idempotency_key": out += JSONText.quote(idempotencyKey)
            default:
                if let value = object[key] { out += jsonValue(value) } else { out += "null" }
            }
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    private static func jsonValue(_ value: Any) -> String {
        if let text = value as? String { return JSONText.quote(text) }
        if value is NSNull { return "null" }
        if let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]) {
            return String(decoding: data, as: UTF8.self)
        }
        return "null"
    }
}
