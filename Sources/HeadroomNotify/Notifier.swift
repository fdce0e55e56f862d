public import HeadroomCore

/// Makes one delivery attempt of one notification to one destination.
///
/// Implementation requirements:
/// - Do not retry and do not sleep: the `DeliveryPipeline` owns retries.
/// - Finish within the transport's own timeout.
/// - Never put a secret (a key in a URL, a token, a password) in an error message.
/// - Throw `.retryable` when a later attempt may succeed (I/O error, full disk, 5xx, 429,
///   a platform's rate-limit code) and `.permanent` when it cannot (bad configuration,
///   rejected payload, failed signature check).
/// - Send `context.idempotencyKey` where the platform can carry it, so receivers can drop
///   the duplicates that at-least-once delivery may produce.
public protocol Notifier: Sendable {
    /// The channel's configured name, used in logs and metrics: `console`, `jsonlog:audit`.
    var channel: String { get }
    /// Delivers one notification, or throws why not.
    func deliver(_ notification: AlertNotification, context: DeliveryContext) async throws(DeliveryError)
}

/// A notifier that keeps telling its receiver about the alerts still firing (Alertmanager's
/// re-sends), so that the receiver ends them by itself if headroom goes away.
///
/// Implementation requirements:
/// - A new instance (a start, a reload) knows nothing of what the ones before it sent:
///   `resume` hands it the firings delivered and not yet resolved. Take them up as if this
///   instance had delivered them, and tell the receiver soon, not a whole interval later
///   (the previous instance's last word may be about to expire).
/// - Return without waiting for the receiver.
public protocol ResendingNotifier: Notifier {
    /// Takes up `firings`, already delivered, as still firing.
    func resume(_ firings: [AlertNotification]) async
}

extension Notifier {
    /// Delivers with the notification's own idempotency key (first attempt).
    public func deliver(_ notification: AlertNotification) async throws(DeliveryError) {
        try await deliver(notification, context: DeliveryContext(notification))
    }
}

/// Why a delivery attempt failed.
public enum DeliveryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A later attempt may succeed.
    case retryable(String)
    /// Retrying will not help; the text says what to fix.
    case permanent(String)

    public var description: String {
        switch self {
        case .retryable(let reason): "retryable: \(reason)"
        case .permanent(let reason): "permanent: \(reason)"
        }
    }

    /// The reason text alone.
    public var reason: String {
        switch self {
        case .retryable(let reason), .permanent(let reason): reason
        }
    }
}
