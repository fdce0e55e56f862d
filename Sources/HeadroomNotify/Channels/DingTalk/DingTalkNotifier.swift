public import Foundation
public import HeadroomCore

/// Posts Markdown to a DingTalk (钉钉) custom robot, signed when a secret is configured.
public struct DingTalkNotifier: Notifier {
    public let channel: String
    private let configuration: DingTalkConfiguration
    private let transport: any HTTPTransport
    private let timeZone: TimeZone
    private let language: MessageLanguage
    private let now: @Sendable () -> Date

    public init(channel: String, configuration: DingTalkConfiguration, transport: any HTTPTransport,
                timeZone: TimeZone = .current, language: MessageLanguage = .en, now: @escaping @Sendable () -> Date = { Date() }) {
        self.channel = channel
        self.configuration = configuration
        self.transport = transport
        self.timeZone = timeZone
        self.language = language
        self.now = now
    }

    public func deliver(_ notification: AlertNotification, context: DeliveryContext) async throws(DeliveryError) {
        let request = try request(AlertMessage.make(notification, context: context, timeZone: timeZone, language: language), context: context, at: now())
        let response = try await transport.send(request, tls: configuration.endpoint.tls, timeout: configuration.endpoint.timeout)
        if let error = DingTalkPayload.classify(response, channel: channel) { throw error }
    }

    public func request(_ message: AlertMessage, context: DeliveryContext, at time: Date) throws(DeliveryError) -> HTTPRequest {
        var url = try configuration.endpoint.resolvedURL(channel: channel)
        if let secret = configuration.secret {
            let milliseconds = Int64((time.timeIntervalSince1970 * 1000).rounded(.down))
            url = DingTalkSignature.signedURL(url, secret: try secret.reveal(), timestampMilliseconds: milliseconds)
        }
        return HTTPRequest(url: url, headers: [
            HTTPHeader("Content-Type", "application/json;charset=utf-8"),
            HTTPHeader("Idempotency-Key", context.idempotencyKey),
        ], body: DingTalkPayload.body(message, keyword: configuration.keyword))
    }
}
