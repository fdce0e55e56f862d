public import Foundation
public import HeadroomCore

/// Posts to a Slack incoming webhook: a header block and a section, with a text fallback.
public struct SlackNotifier: Notifier {
    public let channel: String
    private let configuration: SlackConfiguration
    private let transport: any HTTPTransport
    private let timeZone: TimeZone
    private let language: MessageLanguage

    public init(channel: String, configuration: SlackConfiguration, transport: any HTTPTransport, timeZone: TimeZone = .current, language: MessageLanguage = .en) {
        self.channel = channel
        self.configuration = configuration
        self.transport = transport
        self.timeZone = timeZone
        self.language = language
    }

    public func deliver(_ notification: AlertNotification, context: DeliveryContext) async throws(DeliveryError) {
        let request = try request(AlertMessage.make(notification, context: context, timeZone: timeZone, language: language), context: context)
        let response = try await transport.send(request, tls: configuration.endpoint.tls, timeout: configuration.endpoint.timeout)
        if let error = SlackPayload.classify(response, channel: channel) { throw error }
    }

    public func request(_ message: AlertMessage, context: DeliveryContext) throws(DeliveryError) -> HTTPRequest {
        HTTPRequest(url: try configuration.endpoint.resolvedURL(channel: channel), headers: [
            HTTPHeader("Content-Type", "application/json"),
            HTTPHeader("Idempotency-Key", context.idempotencyKey),
        ], body: SlackPayload.body(message))
    }
}
