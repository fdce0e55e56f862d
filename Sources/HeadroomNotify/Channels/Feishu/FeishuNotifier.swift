public import Foundation
public import HeadroomCore

/// Posts an interactive card to a Feishu/Lark custom bot, signed in the body when a secret
/// is configured.
public struct FeishuNotifier: Notifier {
    public let channel: String
    private let configuration: FeishuConfiguration
    private let transport: any HTTPTransport
    private let timeZone: TimeZone
    private let language: MessageLanguage
    private let now: @Sendable () -> Date

    public init(channel: String, configuration: FeishuConfiguration, transport: any HTTPTransport,
                timeZone: TimeZone = .current, language: MessageLanguage = .en, now: @escaping @Sendable () -> Date = { Date() }) {
        self.channel = channel
        self.configuration = configuration
        self.transport = transport
        self.timeZone = timeZone
        self.language = language
        self.now = now
    }

    public func deliver(_ notification: AlertNotification, context: DeliveryContext) async throws(DeliveryError) {
        let request = try request(notification, context: context, at: now())
        let response = try await transport.send(request, tls: configuration.endpoint.tls, timeout: configuration.endpoint.timeout)
        if let error = FeishuPayload.classify(response, channel: channel) { throw error }
    }

    public func request(_ notification: AlertNotification, context: DeliveryContext, at time: Date) throws(DeliveryError) -> HTTPRequest {
        let url = try configuration.endpoint.resolvedURL(channel: channel)
        var signature: (timestamp: Int64, sign: String)?
        if let secret = configuration.secret {
            let seconds = Int64(time.timeIntervalSince1970.rounded(.down))
            signature = (seconds, FeishuPayload.sign(secret: try secret.reveal(), timestampSeconds: seconds))
        }
        let notifications = context.digest.isEmpty ? [notification] : context.digest
        let body = FeishuPayload.body(AlertMessage.make(notification, context: context, timeZone: timeZone, language: language),
                                      severity: notifications.map(\.alert.severity).max() ?? notification.alert.severity,
                                      resolved: notifications.allSatisfy { $0.kind == .resolved }, keyword: configuration.keyword, signature: signature)
        return HTTPRequest(url: url, headers: [
            HTTPHeader("Content-Type", "application/json"),
            HTTPHeader("Idempotency-Key", context.idempotencyKey),
        ], body: body)
    }
}
