public import Foundation
public import HeadroomCore

/// Posts each notification as JSON to a URL, optionally authenticated and HMAC-signed.
/// Success is any 2xx; 408, 429 and 5xx are retried; other statuses are permanent.
public struct WebhookNotifier: Notifier {
    public let channel: String
    private let configuration: WebhookConfiguration
    private let transport: any HTTPTransport
    private let timeZone: TimeZone
    private let now: @Sendable () -> Date

    public init(channel: String, configuration: WebhookConfiguration, transport: any HTTPTransport,
                timeZone: TimeZone = .current, now: @escaping @Sendable () -> Date = { Date() }) {
        self.channel = channel
        self.configuration = configuration
        self.transport = transport
        self.timeZone = timeZone
        self.now = now
    }

    public func deliver(_ notification: AlertNotification, context: DeliveryContext) async throws(DeliveryError) {
        let request = try request(notification, context: context, at: now())
        let response = try await transport.send(request, tls: configuration.endpoint.tls, timeout: configuration.endpoint.timeout)
        if let error = ResponseClassifier.status(response, channel: channel) { throw error }
    }

    /// The request for one attempt (pure but for reading secret files).
    public func request(_ notification: AlertNotification, context: DeliveryContext, at time: Date) throws(DeliveryError) -> HTTPRequest {
        let url = try configuration.endpoint.resolvedURL(channel: channel)
        var body = WebhookPayload.body(notification, format: configuration.format, template: configuration.bodyTemplate,
                                       idempotencyKey: context.idempotencyKey, receiver: channel, timeZone: timeZone)
        if !context.digest.isEmpty {
            // A digest (the webhook has no rate limit of its own, but a caller may ask): a JSON array of bodies.
            let parts = context.digest.map {
                WebhookPayload.body($0, format: configuration.format, template: configuration.bodyTemplate,
                                    idempotencyKey: context.idempotencyKey, receiver: channel, timeZone: timeZone)
            }
            body = Array("[".utf8) + Array(parts.joined(separator: Array(",".utf8))) + Array("]".utf8)
        }
        var headers = [
            HTTPHeader("Content-Type", "application/json"),
            HTTPHeader("User-Agent", "headroom"),
            HTTPHeader("Idempotency-Key", context.idempotencyKey),
        ]
        switch configuration.authorization {
        case .none: break
        case .bearer(let token): headers.append(HTTPHeader("Authorization", "Bearer " + (try token.reveal())))
        case .basic(let username, let password):
            let credentials = Data((username + ":" + (try password.reveal())).utf8).base64EncodedString()
            headers.append(HTTPHeader("Authorization", "Basic " + credentials))
        }
        for header in configuration.headers { headers.append(HTTPHeader(header.name, try header.value.reveal())) }
        if let secret = configuration.signingSecret {
            let timestamp = String(Int64(time.timeIntervalSince1970.rounded(.down)))
            headers.append(HTTPHeader(configuration.timestampHeader, timestamp))
            headers.append(HTTPHeader(configuration.signatureHeader,
                                      WebhookPayload.signature(secret: try secret.reveal(), timestamp: timestamp, body: body)))
        }
        return HTTPRequest(url: url, headers: headers, body: body)
    }
}
