public import Foundation
public import HeadroomCore

/// Posts Markdown to a WeCom (企业微信) group robot and reads the `errcode` of its answer.
public struct WeComNotifier: Notifier {
    public let channel: String
    private let configuration: WeComConfiguration
    private let transport: any HTTPTransport
    private let timeZone: TimeZone
    private let language: MessageLanguage

    public init(channel: String, configuration: WeComConfiguration, transport: any HTTPTransport, timeZone: TimeZone = .current, language: MessageLanguage = .en) {
        self.channel = channel
        self.configuration = configuration
        self.transport = transport
        self.timeZone = timeZone
        self.language = language
    }

    public func deliver(_ notification: AlertNotification, context: DeliveryContext) async throws(DeliveryError) {
        let request = try request(AlertMessage.make(notification, context: context, timeZone: timeZone, language: language), context: context)
        let response = try await transport.send(request, tls: configuration.endpoint.tls, timeout: configuration.endpoint.timeout)
        if let error = WeComPayload.classify(response, channel: channel) { throw error }
    }

    public func request(_ message: AlertMessage, context: DeliveryContext) throws(DeliveryError) -> HTTPRequest {
        HTTPRequest(url: try configuration.endpoint.resolvedURL(channel: channel), headers: [
            HTTPHeader("Content-Type", "application/json"),
            HTTPHeader("Idempotency-Key", context.idempotencyKey),
        ], body: WeComPayload.body(message, idempotencyKey: context.idempotencyKey))
    }
}
