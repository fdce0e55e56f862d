public import Foundation
public import HeadroomCore
public import Logging

/// Fans notifications out to the configured channels and retries failed deliveries.
///
/// Each channel gets the notifications its configuration accepts (enabled, minimum
/// severity, `send_resolved`). A retryable failure is queued in memory and tried again
/// with capped exponential backoff on later rounds; a permanent one is logged loudly.
/// (The durable on-disk outbox arrives with the webhook channels.)
public actor DeliveryPipeline {
    /// One destination: its configuration and the notifier that reaches it.
    public struct Route: Sendable {
        public var configuration: ChannelConfiguration
        public var notifier: any Notifier
        public init(configuration: ChannelConfiguration, notifier: any Notifier) {
            self.configuration = configuration
            self.notifier = notifier
        }
    }

    /// Delivery counters of one channel, for the daemon's self-metrics.
    public struct ChannelStatistics: Sendable, Hashable {
        public var attempts = 0
        public var successes = 0
        public var failures = 0
        public var dropped = 0
    }

    private struct Pending {
        var channel: String
        var notification: AlertNotification
        var attempts: Int
        var notBefore: Date
    }

    private var routes: [Route]
    private var pending: [Pending] = []
    private let retryPolicy: RetryPolicy
    private let maximumPending: Int
    private let logger: Logger
    /// Per-channel delivery counters.
    public private(set) var statistics: [String: ChannelStatistics] = [:]

    public init(routes: [Route], retryPolicy: RetryPolicy = RetryPolicy(), maximumPending: Int = 10_000, logger: Logger) {
        self.routes = routes
        self.retryPolicy = retryPolicy
        self.maximumPending = maximumPending
        self.logger = logger
    }

    /// Swaps the channel set (configuration reload). Pending retries for channels that
    /// still exist are kept.
    public func replaceRoutes(_ newRoutes: [Route]) {
        routes = newRoutes
        let names = Set(newRoutes.map(\.configuration.name))
        pending.removeAll { !names.contains($0.channel) }
    }

    /// Number of notifications waiting for a retry.
    public var pendingCount: Int { pending.count }

    /// Delivers each notification to every channel that accepts it, then retries due ones.
    public func submit(_ notifications: [AlertNotification], at now: Date) async {
        for notification in notifications {
            for route in routes where Self.accepts(route.configuration, notification) {
                await attempt(route, notification, previousAttempts: 0, at: now)
            }
        }
        await retryDue(at: now)
    }

    /// Retries the queued notifications whose backoff has elapsed (or all, with `force`).
    public func retryDue(at now: Date, force: Bool = false) async {
        guard !pending.isEmpty else { return }
        let due = pending.filter { force || $0.notBefore <= now }
        pending.removeAll { force || $0.notBefore <= now }
        for item in due {
            guard let route = routes.first(where: { $0.configuration.name == item.channel }) else { continue }
            await attempt(route, item.notification, previousAttempts: item.attempts, at: now)
        }
    }

    /// Whether a channel wants a notification.
    public static func accepts(_ configuration: ChannelConfiguration, _ notification: AlertNotification) -> Bool {
        guard configuration.enabled else { return false }
        guard notification.alert.severity >= configuration.minimumSeverity else { return false }
        if notification.kind == .resolved, !configuration.sendResolved { return false }
        return true
    }

    private func attempt(_ route: Route, _ notification: AlertNotification, previousAttempts: Int, at now: Date) async {
        let channel = route.configuration.name
        statistics[channel, default: ChannelStatistics()].attempts += 1
        do {
            try await route.notifier.deliver(notification, context: DeliveryContext(
                idempotencyKey: DeliveryContext.key(for: notification), attempt: previousAttempts + 1))
            statistics[channel, default: ChannelStatistics()].successes += 1
            if previousAttempts > 0 {
                logger.info("delivered after retrying", metadata: ["channel": "\(channel)", "rule": "\(notification.alert.rule)", "attempts": "\(previousAttempts + 1)"])
            }
        } catch {
            statistics[channel, default: ChannelStatistics()].failures += 1
            switch error {
            case .retryable(let reason):
                let attempts = previousAttempts + 1
                let delay = retryPolicy.delay(afterAttempt: attempts)
                logger.warning("delivery failed; will retry", metadata: [
                    "channel": "\(channel)", "rule": "\(notification.alert.rule)", "reason": "\(reason)",
                    "retry_in": "\(delay.headroomDescription)",
                ])
                if pending.count >= maximumPending {
                    pending.removeFirst()
                    statistics[channel, default: ChannelStatistics()].dropped += 1
                    logger.error("retry queue full; dropped the oldest pending notification", metadata: ["channel": "\(channel)"])
                }
                pending.append(Pending(channel: channel, notification: notification, attempts: attempts,
                                       notBefore: now.addingTimeInterval(delay.headroomSeconds)))
            case .permanent(let reason):
                logger.error("delivery failed permanently; fix the channel configuration", metadata: [
                    "channel": "\(channel)", "rule": "\(notification.alert.rule)", "reason": "\(reason)",
                ])
            }
        }
    }
}
