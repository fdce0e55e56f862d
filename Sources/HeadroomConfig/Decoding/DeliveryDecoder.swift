import HeadroomConfigSyntax
import HeadroomCore
import HeadroomNotify

/// Decodes `state_dir` and `delivery: {deadline: {critical, warning, info}, retry: {initial, maximum}}`.
enum DeliveryDecoder {
    static let rootKeys = ["state_dir", "delivery"]
    static let deliveryKeys = ["deadline", "retry", "resolved_after_silence", "group_window"]
    static let deadlineKeys = ["critical", "warning", "info"]
    static let retryKeys = ["initial", "maximum"]
    static let scalarPaths: [[String]] =
        [["state_dir"]]
        + deadlineKeys.map { ["delivery", "deadline", $0] }
        + retryKeys.map { ["delivery", "retry", $0] }
        + [["delivery", "resolved_after_silence"], ["delivery", "group_window"]]

    static func decode(_ root: Fields, into settings: inout DeliverySettings, reader: inout NodeReader) {
        if let node = root["state_dir"], let path = reader.string(node, root.path("state_dir"), expected: "a directory") {
            if path.hasPrefix("/") {
                settings.stateDirectory = path
            } else {
                reader.report(node, root.path("state_dir"), "must be an absolute path such as /var/lib/headroom")
            }
        }
        guard let delivery = reader.fields(root, "delivery", allowed: deliveryKeys, expected: "a mapping such as {deadline: {critical: 24h}}") else { return }
        if let value = reader.bool(delivery, "resolved_after_silence") { settings.resolvedAfterSilence = value }
        if let value = reader.duration(delivery, "group_window") { settings.groupWindow = value }
        if let deadline = reader.fields(delivery, "deadline", allowed: deadlineKeys, expected: "a mapping such as {critical: 24h, warning: 6h, info: 1h}") {
            if let value = reader.duration(deadline, "critical", minimum: .seconds(1)) { settings.criticalDeadline = value }
            if let value = reader.duration(deadline, "warning", minimum: .seconds(1)) { settings.warningDeadline = value }
            if let value = reader.duration(deadline, "info", minimum: .seconds(1)) { settings.infoDeadline = value }
        }
        if let retry = reader.fields(delivery, "retry", allowed: retryKeys, expected: "a mapping such as {initial: 1s, maximum: 5m}") {
            if let value = reader.duration(retry, "initial", minimum: .milliseconds(10)) { settings.retry.initial = value }
            if let value = reader.duration(retry, "maximum", minimum: .milliseconds(10)) { settings.retry.maximum = value }
            if settings.retry.maximum < settings.retry.initial, let node = retry["maximum"] {
                reader.report(node, retry.path("maximum"), "must be at least retry.initial")
            }
        }
    }
}
