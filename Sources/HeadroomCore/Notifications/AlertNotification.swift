#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// One message to send about one alert: the unit every channel delivers.
public struct AlertNotification: Sendable, Hashable {
    /// Why this notification exists.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The alert started firing.
        case firing
        /// Still firing; sent every `repeat_interval`.
        case `repeat`
        /// The alert stopped firing (carries current value, peak and duration).
        case resolved
        /// The series changed state too often; individual changes are held back until it settles.
        case flapping
    }

    public var kind: Kind
    public var alert: Alert
    /// Evaluation time that produced the notification.
    public var time: Date
    /// The host name the daemon reports as (set by the daemon; nil in pure tests).
    public var host: String?

    public init(kind: Kind, alert: Alert, time: Date, host: String? = nil) {
        self.kind = kind
        self.alert = alert
        self.time = time
        self.host = host
    }

    /// How long the condition has held (or held, for a resolved alert), in seconds.
    public var duration: Double {
        max(0, (alert.resolvedAt ?? time).timeIntervalSince(alert.since))
    }

    /// The human summary: the rule's template rendered, or the built-in wording.
    public var summary: String { MessageFormat.summary(self) }
}
