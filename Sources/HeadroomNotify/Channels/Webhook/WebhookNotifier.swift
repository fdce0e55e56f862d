public import Foundation
public import HeadroomCore

/// Posts each notification as JSON to a URL, optionally authenticated and HMAC-signed.
/// Success is any 2xx; 408, 429 and 5xx are retried; other statuses are permanent.
public typealias WebhookNotifier = HTTPChannelNotifier<WebhookConfiguration>

extension WebhookConfiguration: HTTPChannel {
    /// The request for one attempt (pure but for reading secret files).
    public func request(
        _ notification: AlertNotification, context: DeliveryContext, style: MessageStyle,
        channel: String, at time: Date
    ) throws(DeliveryError) -> HTTPRequest {
        let url = try endpoint.resolvedURL(channel: channel)
        var body = WebhookPayload.body(
            notification, format: format, template: bodyTemplate,
            idempotencyKey: context.idempotencyKey, receiver: channel, timeZone: style.timeZone)
        if !context.digest.isEmpty {
            // A digest (the webhook has no rate limit of its own, but a caller may ask): a JSON array of bodies.
            let parts = context.digest.map {
                WebhookPayload.body(
                    $0, format: format, template: bodyTemplate,
                    idempotencyKey: context.idempotencyKey, receiver: channel, timeZone: style.timeZone)
            }
            body = Array("[".utf8) + Array(parts.joined(separator: Array(",".utf8))) + Array("]".utf8)
        }
        var sent = [
            HTTPHeader("Content-Type", "application/json"),
            HTTPHeader("User-Agent", "headroom"),
            HTTPHeader("Idempotency-Key", context.idempotencyKey),
        ]
        switch authorization {
        case .none: break
        case .bearer(let token): sent.append(HTTPHeader("Authorization", "Bearer " + (try token.reveal())))
        case .basic(let username, let password):
            let credentials = Data((username + ":" + (try password.reveal())).utf8).base64EncodedString()
            sent.append(HTTPHeader("Authorization", "Basic " + credentials))
        }
        for header in headers { sent.append(HTTPHeader(header.name, try header.value.reveal())) }
        if let secret = signingSecret {
            let timestamp = String(Int64(time.timeIntervalSince1970.rounded(.down)))
            sent.append(HTTPHeader(timestampHeader, timestamp))
            sent.append(
                HTTPHeader(
                    signatureHeader,
                    WebhookPayload.signature(secret: try secret.reveal(), timestamp: timestamp, body: body)))
        }
        return HTTPRequest(url: url, headers: sent, body: body)
    }

    /// Success is any 2xx; 408, 429 and 5xx are retried; other statuses are permanent.
    public func classify(_ response: HTTPResponse, channel: String) -> DeliveryError? {
        ResponseClassifier.status(response, channel: channel)
    }
}
