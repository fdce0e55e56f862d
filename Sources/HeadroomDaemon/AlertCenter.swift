public import Foundation
public import HeadroomCore
public import Logging
import Synchronization

/// Holds the alert engine and the latest readings: snapshot in, notifications out.
/// The daemon's single source of truth for exporters and `headroom check`.
///
/// With a state file, the engine's state outlives the process: the first round takes up
/// what the previous process saved (a restart continues incidents instead of starting new
/// ones), a round in which an alert changed state saves at once, a round in which alerts
/// are merely active saves at most every `saveInterval`, and `saveState(at:)` saves on
/// shutdown. While nothing is active and nothing changed, nothing is written.
///
/// Not an actor: the round thread calls it synchronously (no hop, no wake-up of another
/// thread); the server's readers take the same lock for a moment.
public final class AlertCenter: Sendable {
    private let center: Mutex<Center>

    public init(
        rules: [AlertRule], policy: AlertPolicy, hostname: String, stateFile: AlertStateFile? = nil,
        logger: Logger = Logger(label: "headroom")
    ) {
        center = Mutex(Center(rules: rules, policy: policy, hostname: hostname, stateFile: stateFile, logger: logger))
    }

    /// Derives rates against the previous round, evaluates every rule, and returns the
    /// notifications to deliver, stamped with the host name.
    public func process(_ snapshot: HostSnapshot) -> [AlertNotification] {
        center.withLock { $0.process(snapshot) }
    }

    public func reload(rules: [AlertRule], policy: AlertPolicy, at now: Date) -> [AlertNotification] {
        center.withLock { $0.reload(rules: rules, policy: policy, at: now) }
    }

    public func saveState(at now: Date) {
        center.withLock { $0.saveState(at: now) }
    }

    public var firingAlerts: [Alert] { center.withLock { $0.engine.firingAlerts } }
    public var rules: [AlertRule] { center.withLock { $0.engine.rules } }
    /// The samples rules saw in the latest round (raw + derived + collector health).
    public var latestSamples: [Sample] { center.withLock { $0.latestSamples } }
    /// The latest round's samples, their layout and the alert state changes, read together
    /// (the history).
    public var latestRound: (samples: [Sample], layout: SeriesLayout, changes: [HistoryEvent]) {
        center.withLock { ($0.latestSamples, $0.latestLayout, $0.engine.lastRoundChanges) }
    }
    /// The latest raw snapshot.
    public var latestSnapshot: HostSnapshot? { center.withLock { $0.latestSnapshot } }
}

/// The alert center's state, behind its lock.
private struct Center {
    var engine: AlertEngine
    private var previous: HostSnapshot?
    private var processGrowth = GPUProcessGrowth()
    private let hostname: String
    private let stateFile: AlertStateFile?
    private let logger: Logger
    private var restorePending: Bool
    private var lastSavedAt: Date?
    /// The latest save held active alerts (so a quiet engine still writes once to clear them).
    private var savedActive = false
    private var saveFailing = false
    /// How often a round with active but unchanged alerts is saved.
    static let saveInterval: TimeInterval = 30
    var latestSamples: [Sample] = []
    /// The series of `latestSamples`, in order: compared with the round before once, then
    /// recognised by identity by the engine and the history.
    var latestLayout = SeriesLayout([])
    var latestSnapshot: HostSnapshot?

    init(rules: [AlertRule], policy: AlertPolicy, hostname: String, stateFile: AlertStateFile?, logger: Logger) {
        engine = AlertEngine(rules: rules, policy: policy)
        self.hostname = hostname
        self.stateFile = stateFile
        self.logger = logger
        restorePending = stateFile != nil
    }

    mutating func process(_ snapshot: HostSnapshot) -> [AlertNotification] {
        let restored = restorePending ? restoreSaved(at: snapshot.time) : []
        // Headroom's own health first (its size, then each collector's state: `evaluationSamples`
        // puts both before the rest, in the one array it builds), so at the cap those are never
        // the series refused: the alert that says so must get through.
        let derived = SampleDerivation.evaluationSamples(previous: previous, current: snapshot, leading: limitSamples)
        let samples = processGrowth.annotate(derived, at: snapshot.time)
        previous = snapshot
        latestSnapshot = snapshot
        latestSamples = samples
        let layout = SeriesLayout.of(samples, reusing: latestLayout)
        latestLayout = layout
        let notifications = restored + engine.evaluate(samples, layout: layout, at: snapshot.time)
        saveIfDue(at: snapshot.time, changed: engine.lastRoundTransitioned || !restored.isEmpty)
        return stamp(notifications)
    }

    mutating func reload(rules: [AlertRule], policy: AlertPolicy, at now: Date) -> [AlertNotification] {
        let closing = engine.replaceRules(rules, policy: policy, at: now)
        if !closing.isEmpty { save(at: now) }
        return stamp(closing)
    }

    mutating func saveState(at now: Date) {
        guard stateFile != nil, !restorePending else { return }
        save(at: now)
    }

    // MARK: - Saved state

    private mutating func restoreSaved(at now: Date) -> [AlertNotification] {
        restorePending = false
        guard let stateFile else { return [] }
        switch stateFile.load() {
        case .success(nil):
            return []
        case .failure(let error):
            logger.warning("alert state not restored; starting afresh: \(error.description)")
            return []
        case .success(let saved?):
            savedActive = saved.hasActiveAlerts
            let resolved = engine.restore(saved, at: now)
            let age = HumanDuration.format(seconds: max(0, now.timeIntervalSince(saved.savedAt)))
            if saved.version != AlertEngineState.currentVersion {
                logger.warning(
                    "alert state in \(stateFile.path) has format \(saved.version), this build reads \(AlertEngineState.currentVersion); starting afresh")
            } else if now.timeIntervalSince(saved.savedAt) > engine.policy.staleAfter.headroomSeconds {
                logger.info(
                    "alert state saved \(age) ago is older than alerting.stale_after (\(engine.policy.staleAfter.headroomDescription)); not restored, \(resolved.count) delivered firing(s) resolved"
                )
            } else if saved.hasActiveAlerts {
                let restored = engine.savedState(at: now).entries
                let firing = restored.filter { $0.machine.state == "firing" }.count
                let pending = restored.filter { $0.machine.state == "pending" }.count
                logger.info(
                    "alert state restored (saved \(age) ago): \(firing) firing, \(pending) pending",
                    metadata: [
                        "resolved": "\(resolved.count)"
                    ])
            }
            return resolved
        }
    }

    /// `series_tracked`, `series_dropped_total` and `series_limit_reached` (as of the
    /// previous round): what the always-on `series_limit_reached` rule watches.
    private var limitSamples: [Sample] {
        [
            Sample("series_tracked", .none, Double(engine.trackedSeries)),
            Sample("series_dropped_total", .none, Double(engine.refusedSamplesTotal), kind: .counter),
            Sample(
                "series_limit_reached", .none, engine.lastRoundRefusedSamples > 0 ? 1 : 0,
                detail: engine.lastRoundRefusedSamples > 0 ? "\(engine.lastRoundRefusedSamples) samples of new series refused in the latest round" : nil),
        ]
    }

    private mutating func saveIfDue(at now: Date, changed: Bool) {
        guard stateFile != nil else { return }
        if changed {
            save(at: now)
        } else if lastSavedAt.map({ now.timeIntervalSince($0) >= Self.saveInterval }) ?? true,
            savedActive || engine.hasActiveAlerts
        {
            save(at: now)
        }
    }

    private mutating func save(at now: Date) {
        guard let stateFile else { return }
        let state = engine.savedState(at: now)
        do {
            try stateFile.save(state)
            if saveFailing { logger.info("alert state saved again to \(stateFile.path)") }
            saveFailing = false
        } catch {
            // Said once until it recovers: the daemon keeps running on the state in memory.
            if !saveFailing { logger.error("cannot save the alert state; a restart will start afresh: \(error.description)") }
            saveFailing = true
        }
        lastSavedAt = now
        savedActive = state.hasActiveAlerts
    }

    private func stamp(_ notifications: [AlertNotification]) -> [AlertNotification] {
        notifications.map { notification in
            var copy = notification
            copy.host = hostname
            return copy
        }
    }
}
