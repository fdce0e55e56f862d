public import Foundation
public import HeadroomCore

/// What an HTTP channel (webhook, Slack, WeCom, DingTalk, Feishu) adds to the notifier they
/// share: its endpoint, the request of one attempt, and how to read the answer. Each
/// channel's configuration conforms in the channel's folder.
public protocol HTTPChannel: Sendable {
    var endpoint: HTTPEndpoint { get }
    /// The request for one attempt (pure but for reading secret files). `style` renders the
    /// human message when the channel sends one.
    func request(
        _ notification: AlertNotification, context: DeliveryContext, style: MessageStyle,
        channel: String, at time: Date
    ) throws(DeliveryError) -> HTTPRequest
    /// Nil when the answer confirms delivery; otherwise whether to retry and why.
    func classify(_ response: HTTPResponse, channel: String) -> DeliveryError?
}

/// How a channel's human message is written: time zone and language.
public struct MessageStyle: Sendable {
    public var timeZone: TimeZone
    public var language: MessageLanguage

    public init(timeZone: TimeZone = .current, language: MessageLanguage = .en) {
        self.timeZone = timeZone
        self.language = language
    }

    /// `notification` (or the context's digest) as a message.
    public func message(_ notification: AlertNotification, context: DeliveryContext) -> AlertMessage {
        AlertMessage.make(notification, context: context, timeZone: timeZone, language: language)
    }
}

/// Delivers to an HTTP channel: builds the channel's request, sends it over the transport
/// with the endpoint's TLS settings and timeout, and lets the channel read the answer.
public struct HTTPChannelNotifier<Channel: HTTPChannel>: Notifier {
    public let channel: String
    private let configuration: Channel
    private let transport: any HTTPTransport
    private let style: MessageStyle
    private let now: @Sendable () -> Date

    public init(
        channel: String, configuration: Channel, transport: any HTTPTransport, timeZone: TimeZone = .current,
        language: MessageLanguage = .en, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.channel = channel
        self.configuration = configuration
        self.transport = transport
        self.style = MessageStyle(timeZone: timeZone, language: language)
        self.now = now
    }

    public func deliver(_ notification: AlertNotification, context: DeliveryContext) async throws(DeliveryError) {
        let request = try request(notification, context: context, at: now())
        let response = try await transport.send(request, tls: configuration.endpoint.tls, timeout: configuration.endpoint.timeout)
        if let error = configuration.classify(response, channel: channel) { throw error }
    }

    /// The request for one attempt at `time`.
    public func request(_ notification: AlertNotification, context: DeliveryContext, at time: Date) throws(DeliveryError) -> HTTPRequest {
        try configuration.request(notification, context: context, style: style, channel: channel, at: time)
    }
}

extension HTTPRequest {
    /// A JSON POST carrying the attempt's idempotency key.
    static func json(
        url: String, body: [UInt8], idempotencyKey: String,
        contentType: String = "application/json"
    ) -> HTTPRequest {
        HTTPRequest(
            url: url, headers: [HTTPHeader("Content-Type", contentType), HTTPHeader("Idempotency-Key", idempotencyKey)],
            body: body)
    }
}
