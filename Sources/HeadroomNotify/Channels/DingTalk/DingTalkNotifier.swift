public import Foundation
public import HeadroomCore

/// Posts Markdown to a DingTalk (钉钉) custom robot, signed when a secret is configured.
public typealias DingTalkNotifier = HTTPChannelNotifier<DingTalkConfiguration>

extension DingTalkConfiguration: HTTPChannel {
    public func request(
        _ notification: AlertNotification, context: DeliveryContext, style: MessageStyle,
        channel: String, at time: Date
    ) throws(DeliveryError) -> HTTPRequest {
        var url = try endpoint.resolvedURL(channel: channel)
        if let secret {
            let milliseconds = Int64((time.timeIntervalSince1970 * 1000).rounded(.down))
            url = DingTalkSignature.signedURL(url, secret: try secret.reveal(), timestampMilliseconds: milliseconds)
        }
        return .json(
            url: url, body: DingTalkPayload.body(style.message(notification, context: context), keyword: keyword),
            idempotencyKey: context.idempotencyKey, contentType: "application/json;charset=utf-8")
    }

    public func classify(_ response: HTTPResponse, channel: String) -> DeliveryError? {
        DingTalkPayload.classify(response, channel: channel)
    }
}
