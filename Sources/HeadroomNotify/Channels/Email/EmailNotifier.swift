public import Foundation
public import HeadroomCore

/// Sends each notification (or digest) as a MIME mail over SMTP.
public struct EmailNotifier: Notifier {
    public let channel: String
    private let configuration: EmailConfiguration
    private let transport: any MailTransport
    private let timeZone: TimeZone
    private let language: MessageLanguage
    private let now: @Sendable () -> Date

    public init(
        channel: String, configuration: EmailConfiguration, transport: any MailTransport = SMTPClient(),
        timeZone: TimeZone = .current, language: MessageLanguage = .en, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.channel = channel
        self.configuration = configuration
        self.transport = transport
        self.timeZone = timeZone
        self.language = language
        self.now = now
    }

    public func deliver(_ notification: AlertNotification, context: DeliveryContext) async throws(DeliveryError) {
        let message = AlertMessage.make(notification, context: context, timeZone: timeZone, language: language)
        let domain = configuration.from.split(separator: "@").last.map(String.init) ?? "headroom.invalid"
        let email = EmailMessage.make(
            message, from: configuration.from, to: configuration.to, date: now(),
            messageID: "\(context.idempotencyKey).\(context.attempt)@\(domain)",
            boundary: "headroom-" + context.idempotencyKey, idempotencyKey: context.idempotencyKey)
        try await transport.send(Array(email.rendered.utf8), from: configuration.from, to: configuration.to, configuration: configuration)
    }
}
