/// Human wording of values and alerts, shared by every channel.
public enum MessageFormat {
    // MARK: - Values

    /// Formats a value in the unit its metric name implies: `_percent` → `85.2%`,
    /// `_bytes` → `1.5 GiB`, `_seconds` → `2m5s`, `_total` → an integer, else a short number.
    public static func value(_ value: Double, metric: String) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "+Inf" : "-Inf") }
        if metric.hasSuffix("_percent") { return number(value, decimals: 1) + "%" }
        if metric.hasSuffix("_bytes") { return bytes(value) }
        if metric.hasSuffix("_seconds") || metric.hasSuffix("_seconds_total") {
            return HumanDuration.format(seconds: value)
        }
        if metric.hasSuffix("_total") { return number(value, decimals: 0) }
        return number(value, decimals: value == value.rounded() ? 0 : 2)
    }

    /// Binary-prefixed bytes: `512 B`, `1.5 KiB`, `18.2 GiB`.
    public static func bytes(_ value: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var scaled = abs(value)
        var index = 0
        while scaled >= 1024, index < units.count - 1 {
            scaled /= 1024
            index += 1
        }
        let sign = value < 0 ? "-" : ""
        return sign + (index == 0 ? number(scaled, decimals: 0) : number(scaled, decimals: 1)) + " " + units[index]
    }

    /// A rate per minute in the metric's unit: `+412.0 MiB/min`, `+1.2%/min`.
    public static func ratePerMinute(_ perSecond: Double, metric: String) -> String {
        let perMinute = perSecond * 60
        let sign = perMinute >= 0 ? "+" : ""
        if metric.hasSuffix("_bytes") { return sign + bytes(perMinute) + "/min" }
        if metric.hasSuffix("_percent") { return sign + number(perMinute, decimals: 2) + "%/min" }
        return sign + number(perMinute, decimals: 2) + "/min"
    }

    /// Fixed decimals without Foundation's formatter; trailing `.0` kept for `decimals > 0`.
    public static func number(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return String(value) }
        if decimals == 0 {
            let rounded = value.rounded()
            if abs(rounded) < 9.0e15 { return String(Int64(rounded)) }
            return String(rounded)
        }
        var factor = 1.0
        for _ in 0..<decimals { factor *= 10 }
        let scaled = (value * factor).rounded()
        guard abs(scaled) < 9.0e15 else { return String(value) }
        let integer = Int64(scaled)
        let sign = integer < 0 ? "-" : ""
        let magnitude = integer.magnitude
        let whole = magnitude / UInt64(factor)
        var fraction = String(magnitude % UInt64(factor))
        while fraction.count < decimals { fraction = "0" + fraction }
        return "\(sign)\(whole).\(fraction)"
    }

    // MARK: - Alerts

    /// What the series is, for people: `cpu_used_percent`, `memory_used_percent{cgroup="/x"}`,
    /// `gpu_memory_used_percent{gpu="0"}` (a GPU's model, UUID and bus id left to the labels
    /// a channel lists: `Labels.shown`).
    public static func subject(_ alert: Alert) -> String {
        alert.metric + alert.labels.shown.description
    }

    /// The built-in or templated one-sentence summary of a notification.
    public static func summary(_ notification: AlertNotification) -> String {
        if let template = notification.alert.summaryTemplate {
            return render(template: template, notification)
        }
        return builtInSummary(notification)
    }

    /// Replaces `{value}`, `{threshold}`, `{metric}`, `{rule}`, `{severity}`, `{for}`, `{peak}`,
    /// `{labels}`, `{label:NAME}`, `{detail}`, `{slope}`, `{eta}`, `{host}`; unknown placeholders stay as written.
    public static func render(template: String, _ notification: AlertNotification) -> String {
        let alert = notification.alert
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let key = rest[rest.index(after: open)..<close]
            if let replacement = placeholder(String(key), alert: alert, notification: notification) {
                out += replacement
            } else {
                out += rest[open...close]
            }
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return out
    }

    private static func placeholder(_ key: String, alert: Alert, notification: AlertNotification) -> String? {
        switch key {
        case "value": return value(alert.value, metric: alert.metric)
        case "threshold": return alert.threshold.map { value($0, metric: alert.metric) } ?? ""
        case "metric": return alert.metric
        case "rule": return alert.rule
        case "severity": return alert.severity.rawValue
        case "for": return HumanDuration.format(seconds: notification.duration)
        case "peak": return value(alert.peak, metric: alert.metric)
        case "labels": return alert.labels.description
        case "detail": return alert.detail ?? ""
        case "host": return notification.host ?? ""
        case "slope": return alert.trend.map { ratePerMinute($0.slopePerSecond, metric: alert.metric) } ?? ""
        case "eta": return alert.trend.map { "~" + HumanDuration.format(seconds: $0.secondsToExhaustion) } ?? ""
        default:
            if key.hasPrefix("label:") { return alert.labels[String(key.dropFirst(6))] ?? "" }
            return nil
        }
    }

    private static func builtInSummary(_ notification: AlertNotification) -> String {
        let alert = notification.alert
        let subject = subject(alert)
        let current = value(alert.value, metric: alert.metric)
        let held = HumanDuration.format(seconds: notification.duration)
        switch notification.kind {
        case .resolved:
            var text = "\(subject) is \(current) now (peak \(value(alert.peak, metric: alert.metric))), lasted \(held)"
            if let reason = alert.resolveReason { text += "; \(reason)" }
            return text
        case .flapping:
            return "\(subject) is flapping around its threshold (now \(current)); holding back state changes until it settles"
        case .firing, .repeat:
            var text: String
            switch alert.condition {
            case .above(let threshold), .atLeast(let threshold), .below(let threshold), .atMost(let threshold):
                text = "\(subject) \(current) \(alert.condition.symbol) \(value(threshold, metric: alert.metric)) for \(held)"
            case .increases:
                let step = alert.increase.map { number($0, decimals: $0 == $0.rounded() ? 0 : 2) } ?? "?"
                text = "\(subject) increased by \(step) to \(current)"
            case .trend:
                if let trend = alert.trend {
                    text =
                        "\(subject) \(ratePerMinute(trend.slopePerSecond, metric: alert.metric)), "
                        + "full in ~\(HumanDuration.format(seconds: trend.secondsToExhaustion)) "
                        + "(now \(current) of \(value(trend.capacity, metric: alert.metric)), R² \(number(trend.r2, decimals: 2)))"
                } else {
                    text = "\(subject) is rising towards its capacity (now \(current))"
                }
            }
            if notification.kind == .repeat { text += " (still firing)" }
            if let detail = alert.detail, !detail.isEmpty { text += ": \(detail)" }
            return text
        }
    }
}
