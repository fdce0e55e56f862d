public import Foundation
public import HeadroomCore

/// Posts to a Slack incoming webhook: a header block and a section, with a text fallback.
public typealias SlackNotifier = HTTPChannelNotifier<SlackConfiguration>

extension SlackConfiguration: HTTPChannel {
    public func request(
        _ notification: AlertNotification, context: DeliveryContext, style: MessageStyle,
        channel: String, at time: Date
    ) throws(DeliveryError) -> HTTPRequest {
        .json(
            url: try endpoint.resolvedURL(channel: channel), body: SlackPayload.body(style.message(notification, context: context)),
            idempotencyKey: context.idempotencyKey)
    }

    public func classify(_ response: HTTPResponse, channel: String) -> DeliveryError? {
        SlackPayload.classify(response, channel: channel)
    }
}
