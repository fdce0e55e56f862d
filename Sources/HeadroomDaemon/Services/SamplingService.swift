import Dispatch
public import Foundation
public import HeadroomCollectors
public import HeadroomCore
public import HeadroomNotify
public import HeadroomServer
public import Logging
public import ServiceLifecycle
import Synchronization

/// The daemon's heartbeat: every interval, read all collectors, evaluate the rules, record
/// the round in the history, hand the notifications to delivery.
///
/// `tick(at:)` is one round and is what tests drive. `run()` runs rounds on a `RoundLoop`: a
/// thread of its own on a fixed grid, where collectors, rules and the alert center are all
/// called synchronously, so a quiet round is one thread waking once. Only a round with
/// something to hand over (notifications, an alert state to save) wakes the task that hands
/// them to delivery and to the state file; a reload's rules and channels go the same way,
/// between two rounds (`reload`). Whoever takes every round's samples (push's buffer) takes
/// them on the round thread, as a sink.
public final class SamplingService: Service, Sendable {
    struct State {
        var runners: [CollectorRunner]
        /// Collectors outside the catalog (the supervised child), kept across reloads.
        var attached: [CollectorRunner] = []
        /// Called on the round thread after each round with the samples the rules saw (push's
        /// buffer); each must return at once (a lock and an append), never wait.
        var sinks: [@Sendable ([Sample], Date) -> Void]
        var collectorSettings: CollectorSettings
        var interval: Duration
        /// Each collector's outcome as last announced, in the order rounds report them.
        var announced: [(collector: String, outcome: CollectorOutcome)] = []
        /// Per GPU vendor: what the log last said, as values.
        var announcedGPUs: [String: GPUAnnouncement] = [:]
        var rounds = 0
        /// When start-up and serving pages are unmapped (`StartupPages`).
        var pageRelease: PageReleaseSchedule
        /// Queues a handover behind the rounds' while the loop runs (nil otherwise).
        var queue: (@Sendable (Handover) -> Void)?
        /// Set once the loop has stopped for good (shutdown): a reload no longer changes the
        /// engine, whose state shutdown saves only after every handover has passed.
        var stopped = false
    }

    private let releasesStartupPages: Bool
    private let servingActivity: ServingActivity?

    let state: Mutex<State>
    /// Held from a round's (or a reload's) evaluation until its handover is queued, so the
    /// queue holds them in the order the engine saw them.
    private let order = Mutex(())
    private let alerts: AlertCenter
    private let delivery: DeliveryService
    /// Takes each round's samples and alert changes on the round thread (nil: no history).
    private let history: HistoryRecorder?
    let logger: Logger
    private let clock: any DaemonClock
    private let makeFiles: @Sendable (String) -> any SystemFiles

    /// What one round did.
    public struct RoundSummary: Sendable {
        public var snapshot: HostSnapshot
        public var notifications: [AlertNotification]
    }

    /// What a live round (or a reload) hands to the task that talks to delivery and the disk.
    struct Handover: Sendable {
        /// A reload's channels, which replace the running ones first.
        var routes: [DeliveryPipeline.Route]?
        var resume: [AlertNotification] = []
        var notifications: [AlertNotification]
        var save: AlertCenter.PendingSave?
        var time: Date
        /// A round's: it took a place of the backlog, which it gives back once passed.
        var fromRound = true
    }

    /// How many rounds' handovers may wait for that task before rounds wait for it instead.
    static let handoverBacklog = 64

    public init(
        collectorSettings: CollectorSettings,
        interval: Duration,
        alerts: AlertCenter,
        delivery: DeliveryService,
        history: HistoryRecorder? = nil,
        logger: Logger,
        clock: any DaemonClock,
        makeFiles: @escaping @Sendable (String) -> any SystemFiles,
        releasesStartupPages: Bool = false,
        servingActivity: ServingActivity? = nil,
        collectors: [any Collector]? = nil,
        sinks: [@Sendable ([Sample], Date) -> Void] = []
    ) {
        self.alerts = alerts
        self.delivery = delivery
        self.history = history
        self.logger = logger
        self.clock = clock
        self.makeFiles = makeFiles
        self.releasesStartupPages = releasesStartupPages
        self.servingActivity = servingActivity
        let built = collectors ?? CollectorCatalog.make(settings: collectorSettings, files: makeFiles(collectorSettings.root))
        state = Mutex(
            State(
                runners: built.map(CollectorRunner.init), sinks: sinks,
                collectorSettings: collectorSettings, interval: interval,
                pageRelease: PageReleaseSchedule(enabled: releasesStartupPages)))
    }

    /// Applies a reloaded configuration's sampling settings.
    public func apply(interval newInterval: Duration, collectors newSettings: CollectorSettings) {
        let release = releasesStartupPages
        let rebuild = state.withLock { state -> Bool in
            state.interval = newInterval
            if release { state.pageRelease.reloaded(at: state.rounds) }
            return newSettings != state.collectorSettings
        }
        guard rebuild else { return }
        let runners = CollectorCatalog.make(settings: newSettings, files: makeFiles(newSettings.root)).map(CollectorRunner.init)
        state.withLock { state in
            state.collectorSettings = newSettings
            state.runners = runners
            state.announced = []
        }
    }

    public var currentInterval: Duration { state.withLock { $0.interval } }

    /// Calls `sink` on the round thread after every round with that round's samples and time;
    /// it must return at once (a lock and an append), never wait.
    public func observeRounds(_ sink: @escaping @Sendable ([Sample], Date) -> Void) {
        state.withLock { $0.sinks.append(sink) }
    }

    /// Adds a collector that is not in the catalog (entrypoint mode's child).
    public func attach(_ collector: any Collector) {
        state.withLock { $0.attached.append(CollectorRunner(collector: collector)) }
    }

    // MARK: - One round

    /// Reads every collector (each within its budget), evaluates, and hands the
    /// notifications to the outbox, as a live round does.
    @discardableResult
    public func tick(at time: Date? = nil) async -> RoundSummary {
        let stamp = time ?? clock.wallTime()
        let (runners, budget) = state.withLock { ($0.runners + $0.attached, $0.collectorSettings.timeout) }
        let (summary, outcome) = evaluate(await CollectorRound.run(runners, budget: budget, clock: clock), at: stamp)
        recordHistory(at: stamp)
        feedSinks(at: stamp)
        // A test that drives rounds runs the delivery pass itself (`pipeline.retryDue(at:)`).
        await pass(Handover(resume: outcome.resume, notifications: summary.notifications, save: outcome.save, time: stamp))
        return summary
    }

    /// The part of a round after the collectors answered: logs what changed, evaluates.
    private func evaluate(_ collected: [CollectorRound.Result], at stamp: Date) -> (RoundSummary, AlertCenter.Outcome) {
        let snapshot = CollectorRound.snapshot(collected, at: stamp)
        announce(snapshot.collectors, samples: snapshot.samples)
        let outcome = alerts.process(snapshot)
        state.withLock { $0.rounds += 1 }
        logger.debug(
            "round complete",
            metadata: [
                "samples": "\(snapshot.samples.count)", "notifications": "\(outcome.notifications.count)",
                "failed_collectors": "\(snapshot.collectors.filter(\.isFailure).map(\.collector).joined(separator: ","))",
            ])
        return (RoundSummary(snapshot: snapshot, notifications: outcome.notifications), outcome)
    }

    // MARK: - Service

    /// Runs rounds on their own thread until graceful shutdown, then saves the alert state.
    /// Notifications go to the delivery service, which flushes them when it stops.
    public func run() async throws {
        let (handovers, sender) = AsyncStream<Handover>.makeStream()
        // Rounds wait for this task only when it is `handoverBacklog` rounds behind (a
        // hung disk under the outbox): bounded, and nothing is dropped.
        let room = DispatchSemaphore(value: Self.handoverBacklog)
        let passer = Task {
            for await handover in handovers {
                await self.pass(handover)
                if handover.fromRound { room.signal() }
            }
        }
        state.withLock { $0.queue = { sender.yield($0) } }
        let loop = RoundLoop(interval: { self.currentInterval }, clock: clock)
        await cancelWhenGracefulShutdown {
            await loop.run(name: "headroom-round") {
                self.liveRound(loop: loop) { handover in
                    room.wait()
                    sender.yield(handover)
                }
            }
        }
        // Under the order lock, so a reload is either queued before the end or sees `stopped`.
        order.withLock { _ in
            state.withLock {
                $0.queue = nil
                $0.stopped = true
                sender.finish()
            }
        }
        await passer.value
        // The next process takes up the incidents where this one leaves them.
        alerts.saveState(at: clock.wallTime())
        logger.info("sampling stopped")
    }

    /// One round on the loop's thread; false when a collector got this thread stuck and the
    /// round was finished on another, which carries the loop on.
    private func liveRound(loop: RoundLoop, handOver: @escaping @Sendable (Handover) -> Void) -> Bool {
        let stamp = clock.wallTime()
        let (runners, budget) = state.withLock { ($0.runners + $0.attached, $0.collectorSettings.timeout) }
        guard
            let collected = CollectorRound.collect(
                runners, budget: budget, clock: clock,
                takeOver: { collected in
                    self.finishLiveRound(collected, at: stamp, handOver: handOver)
                    loop.continueHere()
                })
        else { return false }
        finishLiveRound(collected, at: stamp, handOver: handOver)
        return true
    }

    private func finishLiveRound(
        _ collected: [CollectorRound.Result], at stamp: Date,
        handOver: @Sendable (Handover) -> Void
    ) {
        order.withLock { _ in
            let (summary, outcome) = evaluate(collected, at: stamp)
            recordHistory(at: stamp)
            feedSinks(at: stamp)
            releasePagesIfDue()
            guard !outcome.resume.isEmpty || !summary.notifications.isEmpty || outcome.save != nil else { return }
            handOver(Handover(resume: outcome.resume, notifications: summary.notifications, save: outcome.save, time: stamp))
        }
    }

    /// Hands the round to the history (a lock and an append).
    private func recordHistory(at stamp: Date) {
        guard let history else { return }
        let round = alerts.latestRound
        history.record(round.samples, layout: round.layout, changes: round.changes, at: stamp)
    }

    /// Hands the round's evaluated samples to the sinks, on this thread.
    private func feedSinks(at stamp: Date) {
        let sinks = state.withLock { $0.sinks }
        guard !sinks.isEmpty else { return }
        let evaluated = alerts.latestSamples
        for sink in sinks { sink(evaluated, stamp) }
    }

    /// Unmaps start-up pages, and serving's once requests stop, when `PageReleaseSchedule` says.
    private func releasePagesIfDue() {
        guard releasesStartupPages else { return }
        let requests = servingActivity?.requests
        let due = state.withLock { state in
            state.pageRelease.isDue(round: state.rounds, requests: requests, interval: state.interval)
        }
        guard due else { return }
        let release = StartupPages.release()
        if let problem = release.problem {
            logger.info("some start-up pages stay mapped: \(problem)")
        }
        logger.debug(
            "start-up pages unmapped",
            metadata: [
                "advised_bytes": "\(release.advised)",
                "resident_bytes_before": "\(release.residentBefore)",
            ])
    }

    /// Applies a reload's rules and channels between two rounds: the engine swaps its rules,
    /// and what that produced (the closing notifications, the save, the firings the new
    /// channels take up) is queued with the new channels in the rounds' order, so a round's
    /// firing and the reload's resolved of it reach the outbox in the order they happened,
    /// each through the channels of its time, and each state is written after its
    /// notifications. With no loop running (tests), passed at once.
    ///
    /// Once shutdown has stopped the loop, a reload changes nothing, says so and returns
    /// false: the state shutdown saves must not hold a reload's resolved that has not reached
    /// the outbox.
    @discardableResult
    func reload(rules: [AlertRule], policy: AlertPolicy, routes: [DeliveryPipeline.Route], at time: Date) async -> Bool {
        enum Step {
            case stopping, queued
            case unqueued(Handover)
        }
        let step = order.withLock { _ -> Step in
            guard !state.withLock({ $0.stopped }) else { return .stopping }
            let outcome = alerts.reload(rules: rules, policy: policy, at: time)
            let handover = Handover(
                routes: routes, resume: outcome.resume, notifications: outcome.notifications, save: outcome.save, time: time, fromRound: false)
            return state.withLock { state -> Step in
                guard let queue = state.queue else { return .unqueued(handover) }
                queue(handover)
                return .queued
            }
        }
        switch step {
        case .stopping:
            logger.info("configuration reload not applied: headroom is shutting down")
            return false
        case .queued:
            return true
        case .unqueued(let handover):
            await pass(handover)
            return true
        }
    }

    /// Off the round thread: a reload's channels in place of the running ones, restored
    /// firings to the channels that re-send them, notifications to the outbox, then the alert
    /// state to its file's thread (in that order: see `AlertCenter`).
    private func pass(_ handover: Handover) async {
        if let routes = handover.routes { await delivery.replaceRoutes(routes) }
        await delivery.resume(handover.resume, at: handover.time)
        await delivery.hand(handover.notifications, at: handover.time)
        if let save = handover.save { alerts.write(save) }
    }
}
