public import Foundation
public import HeadroomCore

/// Posts an interactive card to a Feishu/Lark custom bot, signed in the body when a secret
/// is configured.
public typealias FeishuNotifier = HTTPChannelNotifier<FeishuConfiguration>

extension FeishuConfiguration: HTTPChannel {
    public func request(
        _ notification: AlertNotification, context: DeliveryContext, style: MessageStyle,
        channel: String, at time: Date
    ) throws(DeliveryError) -> HTTPRequest {
        let url = try endpoint.resolvedURL(channel: channel)
        var signature: (timestamp: Int64, sign: String)?
        if let secret = secret {
            let seconds = Int64(time.timeIntervalSince1970.rounded(.down))
            signature = (seconds, FeishuPayload.sign(secret: try secret.reveal(), timestampSeconds: seconds))
        }
        let notifications = context.digest.isEmpty ? [notification] : context.digest
        let body = FeishuPayload.body(
            style.message(notification, context: context),
            severity: notifications.map(\.alert.severity).max() ?? notification.alert.severity,
            resolved: notifications.allSatisfy { $0.kind == .resolved }, keyword: keyword, signature: signature)
        return .json(url: url, body: body, idempotencyKey: context.idempotencyKey)
    }

    public func classify(_ response: HTTPResponse, channel: String) -> DeliveryError? {
        FeishuPayload.classify(response, channel: channel)
    }
}
