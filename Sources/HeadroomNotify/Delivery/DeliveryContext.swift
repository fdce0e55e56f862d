import Foundation
public import HeadroomCore

/// What a notifier knows about the attempt besides the notification.
public struct DeliveryContext: Sendable, Hashable {
    /// The same for every attempt of one notification, across retries and restarts; sent
    /// as the `Idempotency-Key` header (or a JSON field) so receivers can drop duplicates.
    public var idempotencyKey: String
    /// 1 for the first attempt.
    public var attempt: Int
    /// When not empty, this attempt is a digest: the channel was over its rate limit, and
    /// these notifications (oldest first) go out as one message instead of being dropped.
    public var digest: [AlertNotification]

    public init(idempotencyKey: String, attempt: Int = 1, digest: [AlertNotification] = []) {
        self.idempotencyKey = idempotencyKey
        self.attempt = attempt
        self.digest = digest
    }

    /// The first attempt of `notification`, keyed by `key(for:)`.
    public init(_ notification: AlertNotification) {
        self.init(idempotencyKey: Self.key(for: notification))
    }

    /// The notification's key (pure): alert fingerprint, kind and time in milliseconds.
    public static func key(for notification: AlertNotification) -> String {
        let milliseconds = Int64((notification.time.timeIntervalSince1970 * 1000).rounded())
        return "\(notification.alert.fingerprint)-\(notification.kind.rawValue)-\(milliseconds)"
    }
}
