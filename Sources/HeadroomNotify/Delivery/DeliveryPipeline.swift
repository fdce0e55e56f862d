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

    private var routes: [Route]
    private var pending: [OutboxEntry] = []
    private let settings: DeliverySettings
    private let maximumPending: Int
    private let store: OutboxStore?
    private let jitter: @Sendable () -> Double
    private let logger: Logger
    private var sequence = 0
    private var budgets: [String: RateBudget] = [:]
    private var unsaved: [String: DiskChange] = [:]
    private let silenceStore: SilenceStore?
    private var silences: [Silence] = []
    private var silencesModified: Date?
    /// Channel + alert fingerprint of every firing delivered and not yet resolved.
    private var deliveredFirings: Set<String> = []
    private var deliveredFiringsChanged = false
    private var budgetsChanged = false
    /// Per-channel delivery counters.
    public private(set) var statistics: [String: ChannelStatistics] = [:]

    /// - Parameters:
    ///   - store: the durable outbox; nil keeps pending notifications in memory only.
    ///   - jitter: a number in 0..<1 per retry (injected so tests are deterministic).
    public init(routes: [Route], settings: DeliverySettings = DeliverySettings(), store: OutboxStore? = nil, silences: SilenceStore? = nil,
                maximumPending: Int = 10_000, jitter: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }, logger: Logger) {
        self.silenceStore = silences
        self.routes = routes
        self.settings = settings
        self.store = store
        self.maximumPending = maximumPending
        self.jitter = jitter
        self.logger = logger
    }

    public init(routes: [Route], retryPolicy: Backoff, maximumPending: Int = 10_000,
                jitter: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }, logger: Logger) {
        self.init(routes: routes, settings: DeliverySettings(retry: retryPolicy), maximumPending: maximumPending, jitter: jitter, logger: logger)
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

    /// Loads the outbox a previous run left (entries for channels no longer configured are
    /// dropped with a warning) and returns how many entries are pending.
    @discardableResult
    public func recover(at now: Date) -> Int {
        guard let store else { return 0 }
        deliveredFirings.formUnion(store.loadDeliveredFirings())
        for (channel, sent) in store.loadSendTimes() {
            guard let route = routes.first(where: { $0.configuration.name == channel }) else { continue }
            budgets[channel] = RateBudget(limits: route.configuration.settings.rateLimits, sent: sent)
        }
        let (entries, unreadable) = store.load()
        for name in unreadable {
            logger.error("outbox entry cannot be read; left in place for inspection", metadata: ["file": "\(store.directory)/\(name)"])
        }
        let names = Set(routes.map(\.configuration.name))
        for entry in entries {
            if names.contains(entry.channel) {
                if !pending.contains(where: { $0.id == entry.id }) { pending.append(entry) }
            } else {
                logger.warning("dropping a pending notification for a channel that is no longer configured",
                               metadata: ["channel": "\(entry.channel)", "key": "\(entry.idempotencyKey)"])
                removeFromDisk(entry)
            }
        }
        pending.sort(by: OutboxEntry.ordered)
        flushDisk()
        if !pending.isEmpty {
            logger.info("outbox recovered", metadata: ["pending": "\(pending.count)", "directory": "\(store.directory)"])
        }
        return pending.count
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
                var entry = OutboxEntry(channel: route.configuration.name, notification: notification, createdAt: now,
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
                await attempt(route, entry, notification, at: now)
                if pending.contains(where: { $0.id == entry.id }) { break }
            }
            budgets[channel] = budget
        }
    }

    /// One message for `entries` of one channel; each entry is settled by its outcome.
    private func attemptDigest(_ route: Route, _ entries: [OutboxEntry], at now: Date) async {
        let channel = route.configuration.name
        let notifications = entries.compactMap(\.notification)
        guard let first = notifications.first else { return }
        let key = "digest-" + HMACSHA256.hex(Array(HMACSHA256.mac(key: "digest", message: entries.map(\.idempotencyKey).joined(separator: "\n")).prefix(8)))
        let attempt = (entries.map(\.attempts).max() ?? 0) + 1
        statistics[channel, default: ChannelStatistics()].attempts += 1
        statistics[channel, default: ChannelStatistics()].digests += 1
        let ids = Set(entries.map(\.id))
        pending.removeAll { ids.contains($0.id) }
        do {
            try await route.notifier.deliver(first, context: DeliveryContext(idempotencyKey: key, attempt: attempt, digest: notifications))
            statistics[channel, default: ChannelStatistics()].successes += 1
            for notification in notifications { noteDelivered(notification, channel: channel) }
            for entry in entries { removeFromDisk(entry) }
            logger.info("over the channel's rate limit: sent one digest", metadata: ["channel": "\(channel)", "notifications": "\(entries.count)"])
        } catch {
            statistics[channel, default: ChannelStatistics()].failures += 1
            switch error {
            case .retryable(let reason):
                count(channel, "retryable")
                let delay = settings.retry.delay(afterFailures: attempt, jitter: jitter())
                logger.warning("digest delivery failed; will retry", metadata: [
                    "channel": "\(channel)", "notifications": "\(entries.count)", "reason": "\(reason)", "retry_in": "\(delay.headroomDescription)",
                ])
                for var entry in entries {
                    entry.attempts += 1
                    entry.lastError = reason
                    entry.notBefore = min(now.addingTimeInterval(delay.headroomSeconds), entry.deadline)
                    persist(entry)
                    enqueue(entry)
                }
            case .permanent(let reason):
                count(channel, "permanent")
                for entry in entries { removeFromDisk(entry) }
                logger.error("digest delivery failed permanently; fix the channel configuration", metadata: [
                    "channel": "\(channel)", "notifications": "\(entries.count)", "reason": "\(reason)",
                ])
            }
        }
    }

    /// Replaces the silences (tests; the daemon reads them from the silence store).
    public func setSilences(_ newSilences: [Silence]) {
        silences = newSilences
    }

    /// Whether a silence holds `notification` back from `channel`. A resolved one is let
    /// through when its firing was delivered or is still pending (unless configured off).
    func isSilenced(_ notification: AlertNotification, channel: String, at now: Date) -> Bool {
        guard silences.contains(where: { $0.silences(notification, at: now) }) else { return false }
        guard notification.kind == .resolved, settings.resolvedAfterSilence else { return true }
        let key = channel + "\n" + notification.alert.fingerprint
        let firingPending = pending.contains { $0.channel == channel && $0.stored.rule == notification.alert.rule
            && $0.notification?.alert.fingerprint == notification.alert.fingerprint }
        return !(deliveredFirings.contains(key) || firingPending)
    }

    private func reloadSilences() {
        guard let silenceStore else { return }
        let modified = silenceStore.modificationDate()
        guard modified != silencesModified else { return }
        silencesModified = modified
        do {
            silences = try silenceStore.load()
        } catch {
            logger.error("cannot read the silences; keeping the previous ones", metadata: ["error": "\(error)"])
        }
    }

    private func noteDelivered(_ notification: AlertNotification, channel: String) {
        let key = channel + "\n" + notification.alert.fingerprint
        if notification.kind == .resolved {
            deliveredFiringsChanged = deliveredFirings.remove(key) != nil || deliveredFiringsChanged
        } else {
            deliveredFiringsChanged = deliveredFirings.insert(key).inserted || deliveredFiringsChanged
        }
    }

    /// Whether a channel wants a notification.
    public static func accepts(_ configuration: ChannelConfiguration, _ notification: AlertNotification) -> Bool {
        guard configuration.enabled else { return false }
        guard notification.alert.severity >= configuration.minimumSeverity else { return false }
        if notification.kind == .resolved, !configuration.sendResolved { return false }
        return true
    }

    private func attempt(_ route: Route, _ entry: OutboxEntry, _ notification: AlertNotification, at now: Date) async {
        var entry = entry
        let channel = entry.channel
        entry.attempts += 1
        statistics[channel, default: ChannelStatistics()].attempts += 1
        do {
            try await route.notifier.deliver(notification, context: DeliveryContext(idempotencyKey: entry.idempotencyKey, attempt: entry.attempts))
            statistics[channel, default: ChannelStatistics()].successes += 1
            noteDelivered(notification, channel: channel)
            removeFromDisk(entry)
            if entry.attempts > 1 {
                logger.info("delivered after retrying", metadata: ["channel": "\(channel)", "rule": "\(notification.alert.rule)", "attempts": "\(entry.attempts)"])
            }
        } catch {
            statistics[channel, default: ChannelStatistics()].failures += 1
            switch error {
            case .retryable(let reason):
                count(channel, "retryable")
                let delay = settings.retry.delay(afterFailures: entry.attempts, jitter: jitter())
                entry.notBefore = now.addingTimeInterval(delay.headroomSeconds)
                entry.lastError = reason
                if entry.notBefore >= entry.deadline {
                    entry.notBefore = entry.deadline
                }
                logger.warning("delivery failed; will retry", metadata: [
                    "channel": "\(channel)", "rule": "\(notification.alert.rule)", "reason": "\(reason)",
                    "retry_in": "\(delay.headroomDescription)", "attempts": "\(entry.attempts)",
                ])
                persist(entry)
                enqueue(entry)
            case .permanent(let reason):
                count(channel, "permanent")
                removeFromDisk(entry)
                logger.error("delivery failed permanently; fix the channel configuration", metadata: [
                    "channel": "\(channel)", "rule": "\(notification.alert.rule)", "reason": "\(reason)",
                ])
            }
        }
    }

    private func enqueue(_ entry: OutboxEntry) {
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

    private func expire(_ entry: OutboxEntry) {
        count(entry.channel, "expired")
        removeFromDisk(entry)
        logger.error("gave up delivering a notification: its deadline passed", metadata: [
            "channel": "\(entry.channel)", "rule": "\(entry.stored.rule)", "attempts": "\(entry.attempts)",
            "last_error": "\(entry.lastError ?? "none")",
        ])
    }

    private func count(_ channel: String, _ reason: String) {
        statistics[channel, default: ChannelStatistics()].failuresByReason[reason, default: 0] += 1
    }

    /// Queues a write of `entry`; `flushDisk()` makes the queued changes durable together.
    private func persist(_ entry: OutboxEntry) {
        guard store != nil else { return }
        unsaved[entry.id] = .write(entry)
    }

    /// Queues the removal of `entry`'s file.
    private func removeFromDisk(_ entry: OutboxEntry) {
        guard store != nil else { return }
        unsaved[entry.id] = .remove(entry.id)
    }

    /// Writes and removes what this pass changed, with one flush each (a storm costs one
    /// fsync, not one per notification). New entries are flushed before their first attempt.
    private func flushDisk() {
        if let store, budgetsChanged {
            budgetsChanged = false
            do { try store.saveSendTimes(budgets.filter { !$0.value.limits.isEmpty }.mapValues(\.sent)) } catch {
                logger.error("cannot save the rate budgets", metadata: ["error": "\(error)"])
            }
        }
        if let store, deliveredFiringsChanged {
            deliveredFiringsChanged = false
            do { try store.saveDeliveredFirings(deliveredFirings) } catch {
                logger.error("cannot save which firings were delivered", metadata: ["error": "\(error)"])
            }
        }
        guard let store, !unsaved.isEmpty else { return }
        let changes = unsaved.values.sorted { $0.id < $1.id }
        unsaved = [:]
        let writes = changes.compactMap { if case .write(let entry) = $0 { entry } else { nil } }
        let removals = changes.compactMap { if case .remove(let id) = $0 { id } else { nil } }
        do {
            try store.write(writes)
        } catch {
            logger.error("cannot write the outbox; these notifications are kept in memory only", metadata: [
                "notifications": "\(writes.count)", "error": "\(error)",
            ])
        }
        do {
            try store.remove(removals)
        } catch {
            logger.error("cannot remove delivered notifications from the outbox; they may be sent again after a restart",
                         metadata: ["notifications": "\(removals.count)", "error": "\(error)"])
        }
    }

    private enum DiskChange {
        case write(OutboxEntry)
        case remove(String)

        var id: String {
            // (the file name: creation-ordered)
            switch self {
            case .write(let entry): entry.id
            case .remove(let id): id
            }
        }
    }
}
