public import Foundation
public import HeadroomCore
public import Logging

/// Fans notifications out to the configured channels, keeps every undelivered one in a
/// durable outbox, and retries until the channel confirms delivery or the deadline passes.
///
/// For each (notification, channel) the entry is written to the outbox (fsync, atomic
/// rename) before the first attempt and removed only on confirmed success, on a permanent
/// failure (logged loudly) or when its per-severity deadline passes. `recover(at:)` loads
/// what a previous run left. Notifications of one alert reach one channel in order: a new
/// one waits while an earlier one for the same alert is still pending. Every attempt carries
/// the entry's idempotency key, so receivers can drop the duplicates at-least-once delivery
/// may produce (a crash between the receiver's answer and the removal).
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
        /// Pushed out of a full retry queue.
        public var dropped = 0
        /// Failures by reason: `retryable`, `permanent`, `expired` (deadline passed), `dropped`.
        public var failuresByReason: [String: Int] = [:]
        /// Digest messages sent in place of several notifications (rate limit).
        public var digests = 0
        /// Notifications not sent because a silence matched them.
        public var silenced = 0
    }

    var routes: [Route]
    var pending: [OutboxEntry] = []
    let settings: DeliverySettings
    let maximumPending: Int
    let store: OutboxStore?
    let jitter: @Sendable () -> Double
    let logger: Logger
    var sequence = 0
    var budgets: [String: RateBudget] = [:]
    var unsaved: [String: DiskChange] = [:]
    let silenceStore: SilenceStore?
    var silences: [Silence] = []
    var silencesModified: Date?
    /// Channel + alert fingerprint of every firing delivered and not yet resolved.
    var deliveredFirings: Set<String> = []
    var deliveredFiringsChanged = false
    var budgetsChanged = false
    /// Per-channel delivery counters.
    public internal(set) var statistics: [String: ChannelStatistics] = [:]

    /// - Parameters:
    ///   - store: the durable outbox; nil keeps pending notifications in memory only.
    ///   - jitter: a number in 0..<1 per retry (injected so tests are deterministic).
    public init(
        routes: [Route], settings: DeliverySettings = DeliverySettings(), store: OutboxStore? = nil, silences: SilenceStore? = nil,
        maximumPending: Int = 10_000, jitter: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }, logger: Logger
    ) {
        self.silenceStore = silences
        self.routes = routes
        self.settings = settings
        self.store = store
        self.maximumPending = maximumPending
        self.jitter = jitter
        self.logger = logger
    }

    /// Swaps the channel set (configuration reload). Pending notifications for channels that
    /// still exist are kept; the others are dropped from memory and disk.
    public func replaceRoutes(_ newRoutes: [Route]) {
        routes = newRoutes
        let names = Set(newRoutes.map(\.configuration.name))
        for entry in pending where !names.contains(entry.channel) { removeFromDisk(entry) }
        pending.removeAll { !names.contains($0.channel) }
        flushDisk()
    }

    /// Number of notifications waiting for a retry (the outbox depth).
    public var pendingCount: Int { pending.count }

    /// The pending entries in creation order (for status output and tests).
    public var pendingEntries: [OutboxEntry] { pending }

    /// How long the oldest pending notification has waited, or nil when none is pending.
    public func oldestPendingAge(at now: Date) -> TimeInterval? {
        pending.map(\.createdAt).min().map { now.timeIntervalSince($0) }
    }

    /// Counters, outbox depth and oldest pending age, read together.
    public func metrics(at now: Date) -> DeliveryMetrics {
        DeliveryMetrics(channels: statistics, outboxDepth: pending.count, oldestPendingAge: oldestPendingAge(at: now))
    }

    /// Writes each notification for every channel that accepts it to the outbox, then
    /// attempts what is due, oldest first.
    public func submit(_ notifications: [AlertNotification], at now: Date) async {
        enqueue(notifications, at: now)
        await retryDue(at: now)
    }

    /// When the next pending notification may be attempted (nil when none is pending): the
    /// delivery service sleeps until then unless new notifications arrive.
    public func nextAttemptDate() -> Date? {
        pending.lazy.map { min($0.notBefore, $0.deadline) }.min()
    }

    /// Writes each notification for every channel that accepts it to the outbox (fsync'd)
    /// without attempting anything: the daemon's sampling loop hands notifications over this
    /// way, so a receiver that hangs never delays a sampling round.
    public func enqueue(_ notifications: [AlertNotification], at now: Date) {
        reloadSilences()
        for notification in notifications {
            for route in routes where Self.accepts(route.configuration, notification) {
                if isSilenced(notification, channel: route.configuration.name, at: now) {
                    statistics[route.configuration.name, default: ChannelStatistics()].silenced += 1
                    logger.debug("silenced", metadata: ["channel": "\(route.configuration.name)", "rule": "\(notification.alert.rule)"])
                    continue
                }
                sequence += 1
                let deadline = now.addingTimeInterval(settings.deadline(for: notification.alert.severity).headroomSeconds)
                var entry = OutboxEntry(
                    channel: route.configuration.name, notification: notification, createdAt: now,
                    deadline: deadline, sequence: sequence)
                if settings.groupWindow > .zero {
                    // Join the open group of this channel, or open one.
                    let open = pending.filter { $0.channel == entry.channel && $0.attempts == 0 && $0.notBefore > now }.map(\.notBefore).min()
                    entry.notBefore = open ?? now.addingTimeInterval(settings.groupWindow.headroomSeconds)
                }
                persist(entry)
                enqueue(entry)
            }
        }
        flushDisk()
    }

    /// Attempts the pending notifications whose backoff has elapsed (or all, with `force`),
    /// oldest first, never overtaking an earlier pending notification of the same alert.
    ///
    /// A channel with rate limits sends at most what its budget allows: when more are due
    /// than it may send, all of them go out as one digest message instead of being dropped
    /// or delayed one by one; with no budget left they wait for the next pass. After a
    /// retryable failure a channel is left alone for the rest of the pass, so a receiver
    /// that is down costs one timeout per pass, not one per notification.
    public func retryDue(at now: Date, force: Bool = false) async {
        defer { flushDisk() }
        guard !pending.isEmpty else { return }
        var blocked: Set<String> = []
        var due: [(channel: String, entries: [OutboxEntry])] = []
        for entry in pending {
            if blocked.contains(entry.streamKey) { continue }
            if now >= entry.deadline {
                pending.removeAll { $0.id == entry.id }
                expire(entry)
                continue
            }
            guard force || entry.notBefore <= now else {
                blocked.insert(entry.streamKey)
                continue
            }
            if let index = due.firstIndex(where: { $0.channel == entry.channel }) {
                due[index].entries.append(entry)
            } else {
                due.append((entry.channel, [entry]))
            }
        }
        for (channel, entries) in due {
            guard let route = routes.first(where: { $0.configuration.name == channel }) else { continue }
            var budget = budgets[channel] ?? RateBudget(limits: route.configuration.settings.rateLimits)
            let available = budget.available(at: now)
            if available == 0 { continue }
            let grouped = settings.groupWindow > .zero && entries.count > 1 && entries.allSatisfy { $0.attempts == 0 }
            if !budget.limits.isEmpty { budgetsChanged = true }
            if entries.count > available || grouped {
                budget.record(at: now)
                budgets[channel] = budget
                await attemptDigest(route, entries, at: now)
                continue
            }
            for entry in entries {
                guard let notification = entry.notification else { continue }
                budget.record(at: now)
                pending.removeAll { $0.id == entry.id }
                await send(route, [entry], notification, digest: nil, key: entry.idempotencyKey, at: now)
                if pending.contains(where: { $0.id == entry.id }) { break }
            }
            budgets[channel] = budget
        }
    }

    /// Whether a channel wants a notification.
    public static func accepts(_ configuration: ChannelConfiguration, _ notification: AlertNotification) -> Bool {
        guard configuration.enabled else { return false }
        guard notification.alert.severity >= configuration.minimumSeverity else { return false }
        if notification.kind == .resolved, !configuration.sendResolved { return false }
        return true
    }

    /// Adds `entry` to the retry queue in stream order; a full queue drops its oldest entry
    /// (counted and logged).
    func enqueue(_ entry: OutboxEntry) {
        if pending.count >= maximumPending, let oldest = pending.first {
            pending.removeFirst()
            removeFromDisk(oldest)
            statistics[oldest.channel, default: ChannelStatistics()].dropped += 1
            count(oldest.channel, "dropped")
            logger.error("retry queue full; dropped the oldest pending notification", metadata: ["channel": "\(oldest.channel)"])
        }
        if let last = pending.last, OutboxEntry.ordered(entry, last) {
            let index = pending.firstIndex { OutboxEntry.ordered(entry, $0) } ?? pending.endIndex
            pending.insert(entry, at: index)
        } else {
            pending.append(entry)
        }
    }
}
