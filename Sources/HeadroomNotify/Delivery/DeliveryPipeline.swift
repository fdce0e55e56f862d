public import Foundation
public import HeadroomCore
public import Logging

/// Fans notifications out to the configured channels, keeps every undelivered one in a
/// durable outbox, and retries until the channel confirms delivery or the deadline passes.
///
/// For each (notification, channel) the entry is written to the outbox (fsync, atomic
/// rename) before the first attempt and removed only on confirmed success, on a permanent
/// failure (logged loudly) or when its per-severity deadline passes. The writes are made on
/// the outbox's own thread (`OutboxWriter`): a disk that stops answering holds up a pass for
/// `diskPatience` once, after which notifications go out from memory until it answers. `recover(at:)` loads
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
    /// The decisions; this actor performs the I/O they ask for.
    var outbox: Outbox
    let store: OutboxStore?
    /// Where the outbox keeps its files (nil: memory only).
    public nonisolated var outboxDirectory: String? { store?.directory }
    /// Makes the outbox's changes durable off this actor (nil without a store).
    let writer: OutboxWriter?
    let jitter: @Sendable () -> Double
    /// Takes each notification's outcome per channel (the history); nil: nobody keeps them.
    let recordEvents: (@Sendable ([HistoryEvent]) -> Void)?
    let logger: Logger
    var unsaved: [String: DiskChange] = [:]
    /// Reads the silences file off this actor (nil: silences set by tests only).
    let silenceWatcher: SilenceWatcher?
    var silences: [Silence] = []
    /// `recover` has run: what a previous run left is in `outbox`.
    var recovered = false
    /// Per-channel delivery counters.
    public var statistics: [String: ChannelStatistics] { outbox.statistics }

    /// - Parameters:
    ///   - store: the durable outbox; nil keeps pending notifications in memory only.
    ///   - diskPatience: how long a pass waits for the outbox's disk before it delivers from
    ///     memory (`OutboxWriter`), and for the silences file before the silences last read
    ///     apply (`SilenceWatcher`).
    ///   - clock: what `diskPatience` runs on (under a test's manual clock, a pass waiting for
    ///     a disk that does not answer waits until the test moves it).
    ///   - jitter: a number in 0..<1 per retry (injected so tests are deterministic).
    public init(
        routes: [Route], settings: DeliverySettings = DeliverySettings(), store: OutboxStore? = nil, silences: SilenceStore? = nil,
        maximumPending: Int = 10_000, diskPatience: Duration = .seconds(5), clock: any DaemonClock = SystemClock(),
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }, events: (@Sendable ([HistoryEvent]) -> Void)? = nil,
        logger: Logger
    ) {
        self.silenceWatcher = silences.map { SilenceWatcher(store: $0, patience: diskPatience, clock: clock, logger: logger) }
        self.routes = routes
        self.outbox = Outbox(settings: settings, maximumPending: maximumPending)
        self.store = store
        self.writer = store.map { OutboxWriter(store: $0, patience: diskPatience, clock: clock, logger: logger) }
        self.jitter = jitter
        self.recordEvents = events
        self.logger = logger
    }

    /// Swaps the channel set (configuration reload). Pending notifications for channels that
    /// still exist are kept; the others are dropped from memory and disk.
    public func replaceRoutes(_ newRoutes: [Route]) {
        routes = newRoutes
        for entry in outbox.retain(channels: Set(newRoutes.map(\.configuration.name))) { removeFromDisk(entry) }
        flushDisk()
    }

    /// Number of notifications waiting for a retry (the outbox depth).
    public var pendingCount: Int { outbox.pending.count }

    /// The pending entries in creation order (for status output and tests).
    public var pendingEntries: [OutboxEntry] { outbox.pending }

    /// How long the oldest pending notification has waited, or nil when none is pending.
    public func oldestPendingAge(at now: Date) -> TimeInterval? {
        outbox.pending.map(\.createdAt).min().map { now.timeIntervalSince($0) }
    }

    /// Counters, outbox depth and oldest pending age, read together.
    public func metrics(at now: Date) -> DeliveryMetrics {
        DeliveryMetrics(
            channels: statistics, outboxDepth: outbox.pending.count, oldestPendingAge: oldestPendingAge(at: now),
            writesWaiting: writer?.writesWaiting ?? 0)
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
        outbox.nextAttemptDate
    }

    /// Writes each notification for every channel that accepts it to the outbox (fsync'd)
    /// without attempting anything: the daemon's sampling loop hands notifications over this
    /// way, so a receiver that hangs never delays a sampling round.
    public func enqueue(_ notifications: [AlertNotification], at now: Date) {
        reloadSilences()
        perform(outbox.enqueue(notifications, channels: routes.map(\.configuration), silences: silences, at: now), at: now)
        flushDisk()
    }

    /// Hands `firings`, delivered and still firing, to the channels that keep re-sending
    /// (`ResendingNotifier`): a restart's restored alerts, or the alerts firing across a
    /// reload, which built every channel anew. Each takes the ones it still accepts (enabled,
    /// severity) and confirmed delivered itself (the outbox's record, which survives
    /// restarts; read first if `recover` has not run yet): not one a silence kept from it,
    /// nor one still pending or given up on.
    public func resume(_ firings: [AlertNotification], at now: Date) async {
        guard !firings.isEmpty else { return }
        recover(at: now)
        for route in routes {
            guard let notifier = route.notifier as? any ResendingNotifier else { continue }
            let taken = firings.filter { Self.accepts(route.configuration, $0) && outbox.wasDelivered($0, channel: route.configuration.name) }
            await notifier.resume(taken)
        }
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
        guard !outbox.pending.isEmpty else { return }
        var (pass, expired) = outbox.beginPass(at: now, force: force)
        perform(expired, at: now)
        var route: Route?
        while let attempt = outbox.nextAttempt(in: &pass, channels: routes.map(\.configuration), at: now) {
            if route?.configuration.name != attempt.channel { route = routes.first { $0.configuration.name == attempt.channel } }
            guard let route else { continue }
            let outcome: Result<Void, DeliveryError>
            do throws(DeliveryError) {
                try await route.notifier.deliver(attempt.notification, context: attempt.context)
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            let jitter: Double = if case .failure(.retryable) = outcome { self.jitter() } else { 0 }
            perform(outbox.settle(attempt, outcome: outcome, at: now, jitter: jitter), at: now)
        }
    }

    /// Whether a channel wants a notification.
    public static func accepts(_ configuration: ChannelConfiguration, _ notification: AlertNotification) -> Bool {
        guard configuration.enabled else { return false }
        guard notification.alert.severity >= configuration.minimumSeverity else { return false }
        if notification.kind == .resolved, !configuration.sendResolved { return false }
        return true
    }
}
