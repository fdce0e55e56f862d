public import Foundation
public import HeadroomCore

/// Posts Markdown to a WeCom (企业微信) group robot and reads the `errcode` of its answer.
public typealias WeComNotifier = HTTPChannelNotifier<WeComConfiguration>

extension WeComConfiguration: HTTPChannel {
    public func request(
        _ notification: AlertNotification, context: DeliveryContext, style: MessageStyle,
        channel: String, at time: Date
    ) throws(DeliveryError) -> HTTPRequest {
        .json(
            url: try endpoint.resolvedURL(channel: channel),
            body: WeComPayload.body(style.message(notification, context: context), idempotencyKey: context.idempotencyKey),
            idempotencyKey: context.idempotencyKey)
    }

    public func classify(_ response: HTTPResponse, channel: String) -> DeliveryError? {
        WeComPayload.classify(response, channel: channel)
    }
}
