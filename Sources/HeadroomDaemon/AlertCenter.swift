public import Foundation
public import HeadroomCore
public import HeadroomNotify
public import Logging
import Synchronization

/// Holds the alert engine and the latest readings: snapshot in, notifications out.
/// The daemon's single source of truth for exporters and `headroom check`.
///
/// With a state file, the engine's state outlives the process: the first round takes up
/// what the previous process saved (a restart continues incidents instead of starting new
/// ones), a round in which an alert changed state returns a save at once, a round in which
/// alerts are merely active one at most every `saveInterval`, and `saveState(at:)` saves on
/// shutdown. While nothing is active and nothing changed, nothing is written.
///
/// `process` and `reload` do not write: they return the state to save (`Outcome.save`), and
/// the caller hands it with `write(_:)` to the state file's own thread once the outcome's
/// notifications are in the outbox (`AlertStateSaver`). So a state file whose write stalls
/// holds up neither sampling nor the outbox, and a crash between the two writes cannot leave
/// a saved firing whose notification never reached the outbox (an incident nobody hears
/// of). What it can leave is the other way round: the restarted engine starts that alert
/// afresh, so it fires again if the breach holds, and a breach that ended meanwhile gets no
/// resolved.
///
/// Not an actor: the round thread calls it synchronously (no hop, no wake-up of another
/// thread); the server's readers take the same lock for a moment.
public final class AlertCenter: Sendable {
    private let center: Mutex<Center>
    private let saver: AlertStateSaver?

    /// What a round or a reload produced: notifications to hand to delivery, then a state to write.
    public struct Outcome: Sendable {
        /// The firings delivered and not yet resolved, for channels built since (which keep
        /// re-sending them: `DeliveryService.resume`): a restore's, in the first round, taken
        /// before that round changes anything; a reload's, which builds every channel anew.
        public var resume: [AlertNotification] = []
        public var notifications: [AlertNotification]
        public var save: PendingSave?
    }

    /// The engine's state as of one round, numbered: of two, the later one is what the
    /// file ends up holding, whichever is written last.
    public struct PendingSave: Sendable {
        let state: AlertEngineState
        let number: Int
    }

    public init(
        rules: [AlertRule], policy: AlertPolicy, hostname: String, stateFile: AlertStateFile? = nil,
        logger: Logger = Logger(label: "headroom"), clock: any DaemonClock = SystemClock()
    ) {
        center = Mutex(Center(rules: rules, policy: policy, hostname: hostname, stateFile: stateFile, logger: logger))
        saver = stateFile.map { AlertStateSaver(file: $0, logger: logger, clock: clock) }
    }

    /// The saved state's file (nil without a state directory).
    public var stateFilePath: String? { saver?.file.path }

    /// Reads the saved state now (start-up, under `StartupDeadline`), for the first round to
    /// take up; without this the first round reads it itself, on the round thread.
    public func loadSavedState() {
        guard let file = saver?.file else { return }
        let loaded = file.load()
        center.withLock { $0.preloaded = loaded }
    }

    /// Derives rates against the previous round, evaluates every rule, and returns the
    /// notifications to deliver, stamped with the host name, and the state to write when a
    /// save is due.
    public func process(_ snapshot: HostSnapshot) -> Outcome {
        center.withLock { $0.process(snapshot) }
    }

    public func reload(rules: [AlertRule], policy: AlertPolicy, at now: Date) -> Outcome {
        center.withLock { $0.reload(rules: rules, policy: policy, at: now) }
    }

    /// Hands `save` to the state file's own thread, which writes the latest it has (a write,
    /// an fsync, a rename); returns at once.
    public func write(_ save: PendingSave) {
        saver?.submit(save)
    }

    /// Writes the current state now and waits for it, at most `shutdownSaveLimit` (shutdown).
    public func saveState(at now: Date) {
        guard let save = center.withLock({ $0.saveState(at: now) }) else { return }
        saver?.writeNow(save, within: Self.shutdownSaveLimit)
    }

    /// How long shutdown waits for the alert state's last save on a disk that stopped answering.
    static let shutdownSaveLimit: Duration = .seconds(5)

    public var firingAlerts: [Alert] { center.withLock { $0.engine.firingAlerts } }
    /// Whether the engine's state is saved to a file (a state directory).
    public var savesState: Bool { saver != nil }
    /// The state file's writes as samples (none without a state file), which the next round
    /// reads (`AlertStateCollector`): `alert_state_saves_total`,
    /// `alert_state_save_failures_total`, and `alert_state_save_failing`, 1 with the reason
    /// while the latest write failed or one has hung for `HungWrite.limit` (the
    /// built-in rule `alert_state_save_failed` alerts on it).
    public var stateSaveSamples: [Sample] {
        guard let saver else { return [] }
        let counts = saver.counts
        let problem = saver.problem
        return [
            Sample("alert_state_save_failing", .none, problem == nil ? 0 : 1, detail: problem),
            Sample("alert_state_saves_total", .none, Double(counts.saves), kind: .counter),
            Sample("alert_state_save_failures_total", .none, Double(counts.failures), kind: .counter),
        ]
    }
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
    /// The saved state as read at start (`AlertCenter.loadSavedState`), for the first round.
    var preloaded: Result<AlertEngineState?, AlertStateFileError>?
    private var lastSavedAt: Date?
    /// The latest save held active alerts (so a quiet engine still writes once to clear them).
    private var savedActive = false
    /// How many saves were handed out (each `PendingSave`'s number).
    private var saves = 0
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

    mutating func process(_ snapshot: HostSnapshot) -> AlertCenter.Outcome {
        let restoring = restorePending
        let restored = restoring ? restoreSaved(at: snapshot.time) : []
        // What the previous process had delivered, before this round changes any of it.
        let resume = restoring ? stamp(engine.deliveredFirings(at: snapshot.time)) : []
        // Headroom's own health first (its size, then each collector's state: `evaluationSamples`
        // puts both before the rest, in the one array it builds), so at the cap those are never
        // the series refused: the alert that says so must get through.
        var samples = SampleDerivation.evaluationSamples(previous: previous, current: snapshot, leading: limitSamples)
        // The layout first: the growth annotation reads its processes by position in it (and
        // writes only details, which are not part of a series).
        let layout = SeriesLayout.of(samples, reusing: latestLayout)
        processGrowth.annotate(&samples, layout: layout, at: snapshot.time)
        previous = snapshot
        latestSnapshot = snapshot
        latestSamples = samples
        latestLayout = layout
        let notifications = restored + engine.evaluate(samples, layout: layout, at: snapshot.time)
        let save = saveIfDue(at: snapshot.time, changed: engine.lastRoundTransitioned || !restored.isEmpty)
        return AlertCenter.Outcome(resume: resume, notifications: stamp(notifications), save: save)
    }

    mutating func reload(rules: [AlertRule], policy: AlertPolicy, at now: Date) -> AlertCenter.Outcome {
        let closing = engine.replaceRules(rules, policy: policy, at: now)
        return AlertCenter.Outcome(
            resume: stamp(engine.deliveredFirings(at: now)), notifications: stamp(closing), save: closing.isEmpty ? nil : save(at: now))
    }

    mutating func saveState(at now: Date) -> AlertCenter.PendingSave? {
        guard !restorePending else { return nil }
        return save(at: now)
    }

    // MARK: - Saved state

    private mutating func restoreSaved(at now: Date) -> [AlertNotification] {
        restorePending = false
        guard let stateFile else { return [] }
        let loaded = preloaded ?? stateFile.load()
        preloaded = nil
        switch loaded {
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

    private mutating func saveIfDue(at now: Date, changed: Bool) -> AlertCenter.PendingSave? {
        if changed {
            return save(at: now)
        } else if lastSavedAt.map({ now.timeIntervalSince($0) >= Self.saveInterval }) ?? true,
            savedActive || engine.hasActiveAlerts
        {
            return save(at: now)
        }
        return nil
    }

    /// The state to write now (nil without a state file).
    private mutating func save(at now: Date) -> AlertCenter.PendingSave? {
        guard stateFile != nil else { return nil }
        let state = engine.savedState(at: now)
        lastSavedAt = now
        savedActive = state.hasActiveAlerts
        saves += 1
        return AlertCenter.PendingSave(state: state, number: saves)
    }

    private func stamp(_ notifications: [AlertNotification]) -> [AlertNotification] {
        notifications.map { notification in
            var copy = notification
            copy.host = hostname
            return copy
        }
    }
}
