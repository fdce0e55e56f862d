import Dispatch
public import HeadroomCollectors
public import HeadroomCore
import Synchronization

/// Runs one collector off the sampling loop, on its own serial queue.
///
/// The call itself cannot be interrupted (a read stuck in the kernel, a hung driver), so a
/// runner whose call overran stays busy, and later rounds report `stillBusy` instead of
/// queueing more calls behind it: threads never pile up.
public final class CollectorRunner: Sendable {
    public let collector: any Collector
    private let queue: DispatchQueue
    private let busy = Atomic<Bool>(false)
    private let quarantined = Atomic<Bool>(false)
    /// Whether any call has returned yet, and for how many rounds the first one has not.
    private let answered = Atomic<Bool>(false)
    private let roundsWithoutAnswer = Atomic<Int>(0)

    public init(collector: any Collector) {
        self.collector = collector
        queue = DispatchQueue(label: "headroom.collector.\(collector.name)")
    }

    public var name: String { collector.name }

    /// A collector that once overran its share of a round runs on its own queue from then
    /// on, so it can never again hold up the collectors that share a thread.
    public var isQuarantined: Bool { quarantined.load(ordering: .acquiring) }

    func quarantine() { quarantined.store(true, ordering: .releasing) }

    /// Replaces an overrun of the collector's very first call by "starting" while within
    /// its `startupGraceRounds`.
    func settle(_ report: CollectorReport) -> CollectorReport {
        guard !answered.load(ordering: .acquiring), collector.startupGraceRounds > 0 else { return report }
        switch report.outcome {
        case .timedOut, .stillBusy:
            let rounds = roundsWithoutAnswer.add(1, ordering: .acquiringAndReleasing).newValue
            guard rounds <= collector.startupGraceRounds else { return report }
            return CollectorReport(
                collector: report.collector,
                outcome: .unavailable(
                    reason: "starting: its first reading is still in progress (NVML's first init can take tens of seconds "
                        + "without nvidia-persistenced); a stall is reported after \(collector.startupGraceRounds) rounds"),
                duration: report.duration)
        default:
            return report
        }
    }

    /// Runs the collector on the calling thread (the shared round thread), unless its
    /// previous call is still stuck.
    func runInline() -> (CollectorReport, [Sample]) {
        let name = collector.name
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            return (CollectorReport(collector: name, outcome: .stillBusy, duration: .zero), [])
        }
        let started = ContinuousClock.now
        let (outcome, samples) = collectOnce()
        busy.store(false, ordering: .releasing)
        return (CollectorReport(collector: name, outcome: outcome, duration: started.duration(to: .now)), samples)
    }

    /// Starts one reading and calls `completion` from the collector's queue when it ends,
    /// or at once with `stillBusy` when the previous call has not returned.
    public func start(_ completion: @escaping @Sendable (CollectorReport, [Sample]) -> Void) {
        let name = collector.name
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            completion(CollectorReport(collector: name, outcome: .stillBusy, duration: .zero), [])
            return
        }
        let started = ContinuousClock.now
        queue.async { [self] in
            let (outcome, samples) = collectOnce()
            busy.store(false, ordering: .releasing)
            completion(CollectorReport(collector: name, outcome: outcome, duration: started.duration(to: .now)), samples)
        }
    }

    /// Calls the collector and classifies the outcome.
    private func collectOnce() -> (CollectorOutcome, [Sample]) {
        defer { answered.store(true, ordering: .releasing) }
        do {
            return (.ok, try collector.collect())
        } catch {
            switch error {
            case .unavailable(let reason): return (.unavailable(reason: reason), [])
            case .failed(let reason): return (.failed(reason: reason), [])
            }
        }
    }
}

/// One sampling round over several runners.
///
/// Healthy collectors run one after another on the round's own thread: no other thread
/// wakes. A deadline at a quarter of the budget (`RoundWatchdog`: free to arm and cancel)
/// checks on them: if that thread is still inside one collector, the collector is
/// quarantined onto its own queue for good, the ones after it are started on another thread
/// at once, so they still answer within the budget, and the round is finished elsewhere. At
/// the full budget, whoever has not answered is reported timed out.
public enum CollectorRound {
    public typealias Result = (report: CollectorReport, samples: [Sample])

    /// One round, off the caller's thread (`headroom check`, tests): a hung collector never
    /// holds one of the concurrency pool's few threads. Not on Dispatch's global queue either:
    /// it has as many threads as cores, and a round blocks its thread for up to the budget.
    public static func run(_ runners: [CollectorRunner], budget: Duration) async -> [Result] {
        guard !runners.isEmpty else { return [] }
        return await withCheckedContinuation { continuation in
            DetachedThread.start(name: "headroom-round") {
                if let results = collect(runners, budget: budget, takeOver: { continuation.resume(returning: $0) }) {
                    continuation.resume(returning: results)
                }
            }
        }
    }

    /// Runs one round's collectors on the calling thread and returns what each answered within
    /// `budget`. When the watchdog finds this thread stuck inside a collector, it hands the round
    /// to `takeOver`, called on a fresh thread with the results by the full budget, and `collect`
    /// returns nil once the stuck call returns: this thread is then done with the round.
    public static func collect(
        _ runners: [CollectorRunner], budget: Duration,
        takeOver: @escaping @Sendable ([Result]) -> Void
    ) -> [Result]? {
        guard !runners.isEmpty else { return [] }
        let total = min(budget, .seconds(3600))
        let deadline = ContinuousClock.now + total
        let gate = RoundGate(names: runners.map(\.name), budget: budget)
        var shared: [Int] = []
        for (index, runner) in runners.enumerated() {
            if runner.isQuarantined {
                runner.start { report, samples in gate.deliver(index, report, samples) }
            } else {
                shared.append(index)
            }
        }
        let block = SharedBlock(shared)
        let watch = RoundWatchdog.shared.schedule(at: deadline - total * 3 / 4) {
            guard let (stuck, rest) = block.abandon() else { return }
            if let stuck { runners[stuck].quarantine() }
            if !rest.isEmpty {
                // A thread of their own: a busy global queue (as many threads as cores)
                // could hold them past the budget.
                DetachedThread.start(name: "headroom-collect") { _ = SharedBlock(rest).run(runners, gate) }
            }
            DetachedThread.start(name: "headroom-round") {
                takeOver(settle(gate.wait(until: deadline), runners))
            }
        }
        let finished = block.run(runners, gate)
        RoundWatchdog.shared.cancel(watch)
        guard finished else { return nil }
        return settle(gate.wait(until: deadline), runners)
    }

    private static func settle(_ results: [Result], _ runners: [CollectorRunner]) -> [Result] {
        results.enumerated().map { index, result in (runners[index].settle(result.report), result.samples) }
    }
}

/// The collectors one round runs on one thread, in order; the watchdog can take the rest away.
private final class SharedBlock: Sendable {
    private struct State {
        var pending: [Int]
        var current: Int?
        var abandoned = false
        var done = false
    }
    private let state: Mutex<State>

    init(_ indices: [Int]) { state = Mutex(State(pending: indices)) }

    /// Runs the collectors in order; false when the watchdog abandoned the block meanwhile.
    func run(_ runners: [CollectorRunner], _ gate: RoundGate) -> Bool {
        while true {
            let step = state.withLock { state -> Int?? in
                state.current = nil
                if state.abandoned { return .some(nil) }
                guard !state.pending.isEmpty else {
                    state.done = true
                    return nil
                }
                state.current = state.pending.removeFirst()
                return state.current
            }
            switch step {
            case .none: return true
            case .some(.none): return false
            case .some(.some(let index)):
                let (report, samples) = runners[index].runInline()
                gate.deliver(index, report, samples)
            }
        }
    }

    /// Stops the block: the collector it is inside (if any) and the ones it has not started;
    /// nil when it already ran to its end.
    func abandon() -> (stuck: Int?, rest: [Int])? {
        state.withLock { state in
            guard !state.abandoned, !state.done else { return nil }
            state.abandoned = true
            let rest = state.pending
            state.pending = []
            return (state.current, rest)
        }
    }
}

/// Collects one round's results: complete when the last collector answers, or at the
/// deadline with the missing ones marked timed out; whatever answers after that is dropped.
final class RoundGate: Sendable {
    typealias Result = CollectorRound.Result
    private struct State {
        var results: [Result?]
        var remaining: Int
        var complete: [Result]?
    }
    private let state: Mutex<State>
    private let names: [String]
    private let budget: Duration
    private let answered = DispatchSemaphore(value: 0)

    init(names: [String], budget: Duration) {
        self.names = names
        self.budget = budget
        state = Mutex(State(results: Array(repeating: nil, count: names.count), remaining: names.count))
    }

    func deliver(_ index: Int, _ report: CollectorReport, _ samples: [Sample]) {
        let completed = state.withLock { state -> Bool in
            guard state.complete == nil, state.results[index] == nil else { return false }
            state.results[index] = (report, samples)
            state.remaining -= 1
            guard state.remaining == 0 else { return false }
            state.complete = state.results.map { $0! }
            return true
        }
        if completed { answered.signal() }
    }

    /// The results once every collector answered, or at `deadline` with the missing ones
    /// timed out.
    func wait(until deadline: ContinuousClock.Instant) -> [Result] {
        if let complete = state.withLock({ $0.complete }) { return complete }
        let left = ContinuousClock.now.duration(to: deadline)
        if left > .zero { _ = answered.wait(timeout: .now() + .nanoseconds(Int(left.wholeNanoseconds))) }
        return state.withLock { state in
            if let complete = state.complete { return complete }
            let results = state.results.enumerated().map { index, result in
                result ?? (CollectorReport(collector: names[index], outcome: .timedOut(budget: budget), duration: budget), [])
            }
            state.complete = results
            return results
        }
    }
}
