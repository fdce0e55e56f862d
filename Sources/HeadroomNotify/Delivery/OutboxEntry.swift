public import Foundation
public import HeadroomCore

/// One notification waiting for one channel: what the outbox keeps on disk until the
/// channel confirms delivery.
public struct OutboxEntry: Sendable, Hashable, Codable {
    /// The file name stem: creation time, sequence and a hash of channel + key, so names
    /// sort in creation order and never contain a character from a channel name.
    public var id: String
    public var channel: String
    public var idempotencyKey: String
    public var stored: StoredNotification
    public var createdAt: Date
    /// After this the notification is given up (per-severity deadline).
    public var deadline: Date
    /// Attempts made so far.
    public var attempts: Int
    /// The next attempt is not made before this.
    public var notBefore: Date
    /// The last failure, for `headroom` status output and logs.
    public var lastError: String?
    /// Order among entries created in the same millisecond.
    public var sequence: Int

    public init(channel: String, notification: AlertNotification, createdAt: Date, deadline: Date, sequence: Int) {
        let key = DeliveryContext.key(for: notification)
        let milliseconds = Int64((createdAt.timeIntervalSince1970 * 1000).rounded(.down))
        let digest = HMACSHA256.hex(Array(HMACSHA256.mac(key: "outbox", message: channel + "\n" + key).prefix(8)))
        id = Self.padded(String(milliseconds), 13) + "-" + Self.padded(String(sequence % 1_000_000), 6) + "-" + digest
        self.channel = channel
        idempotencyKey = key
        stored = StoredNotification(notification)
        self.createdAt = createdAt
        self.deadline = deadline
        attempts = 0
        notBefore = createdAt
        self.sequence = sequence
    }

    /// The notification itself (nil if the stored form no longer parses).
    public var notification: AlertNotification? { stored.notification }

    /// Whether `other` is for the same alert on the same channel (delivered in order).
    func sameStream(as other: OutboxEntry) -> Bool {
        channel == other.channel && stored.rule == other.stored.rule && stored.labels == other.stored.labels
    }

    /// Channel, rule and labels in one string: equal for entries of the same stream.
    var streamKey: String {
        channel + "\u{1}" + stored.rule + "\u{1}" + stored.labels.sorted { $0.key < $1.key }.map { $0.key + "=" + $0.value }.joined(separator: "\u{1}")
    }

    /// Creation order.
    static func ordered(_ lhs: OutboxEntry, _ rhs: OutboxEntry) -> Bool {
        (lhs.createdAt, lhs.sequence, lhs.id) < (rhs.createdAt, rhs.sequence, rhs.id)
    }

    private static func padded(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
