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
            return CollectorReport(collector: report.collector, outcome: .unavailable(
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
/// Healthy collectors run one after another on a single pooled thread (one wake-up per
/// round instead of one per collector; half the CPU of a round). A watchdog at a quarter of
/// the budget checks on them: if that thread is still inside one collector, the collector
/// is quarantined onto its own queue for good and the ones after it are started on another
/// thread at once, so they still answer within the budget. At the full budget, whoever has
/// not answered is reported timed out.
public enum CollectorRound {
    public static func run(_ runners: [CollectorRunner], budget: Duration) async -> [(report: CollectorReport, samples: [Sample])] {
        guard !runners.isEmpty else { return [] }
        return await withCheckedContinuation { continuation in
            let gate = RoundGate(names: runners.map(\.name), budget: budget, continuation: continuation)
            var shared: [Int] = []
            for (index, runner) in runners.enumerated() {
                if runner.isQuarantined {
                    runner.start { report, samples in gate.deliver(index, report, samples) }
                } else {
                    shared.append(index)
                }
            }
            let block = SharedBlock(shared)
            if !shared.isEmpty {
                DispatchQueue.global().async { block.run(runners, gate) }
            }
            let total = min(budget.headroomSeconds, 3600)
            // A cancellable timer: when every collector answers in time (the usual case) the
            // gate cancels it, and the process is not woken for nothing half a second later.
            let watchdog = DispatchSource.makeTimerSource(queue: .global())
            watchdog.schedule(deadline: .now() + .nanoseconds(Int(total / 4 * 1e9)))
            watchdog.setEventHandler {
                guard !gate.isComplete else { return }
                if let (stuck, rest) = block.abandon() {
                    if let stuck { runners[stuck].quarantine() }
                    if !rest.isEmpty {
                        DispatchQueue.global().async { SharedBlock(rest).run(runners, gate) }
                    }
                }
                DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(total * 3 / 4 * 1e9))) { gate.expire() }
            }
            gate.onComplete(TimerHandle(watchdog))
            watchdog.resume()
        }.enumerated().map { index, result in (runners[index].settle(result.report), result.samples) }
    }
}

/// A dispatch timer passed between threads; `cancel()` is thread-safe.
final class TimerHandle: @unchecked Sendable {
    private let timer: any DispatchSourceTimer
    init(_ timer: any DispatchSourceTimer) { self.timer = timer }
    func cancel() { timer.cancel() }
}

/// The collectors one round runs on one thread, in order; the watchdog can take the rest away.
private final class SharedBlock: Sendable {
    private struct State {
        var pending: [Int]
        var current: Int?
        var abandoned = false
    }
    private let state: Mutex<State>

    init(_ indices: [Int]) { state = Mutex(State(pending: indices)) }

    func run(_ runners: [CollectorRunner], _ gate: RoundGate) {
        while let index = next() {
            let (report, samples) = runners[index].runInline()
            gate.deliver(index, report, samples)
        }
        state.withLock { $0.current = nil }
    }

    private func next() -> Int? {
        state.withLock { state in
            guard !state.abandoned, !state.pending.isEmpty else { state.current = nil; return nil }
            state.current = state.pending.removeFirst()
            return state.current
        }
    }

    /// Stops the block: the collector it is inside (if any) and the ones it has not started.
    func abandon() -> (stuck: Int?, rest: [Int])? {
        state.withLock { state in
            guard !state.abandoned else { return nil }
            state.abandoned = true
            let rest = state.pending
            state.pending = []
            return (state.current, rest)
        }
    }
}

/// Collects one round's results and resumes the waiting round exactly once: when the
/// last collector answers, or at the deadline with the missing ones marked timed out.
final class RoundGate: Sendable {
    typealias Result = (report: CollectorReport, samples: [Sample])
    private struct State {
        var results: [Result?]
        var remaining: Int
        var continuation: CheckedContinuation<[Result], Never>?
        var timer: TimerHandle?
    }
    private let state: Mutex<State>
    private let names: [String]
    private let budget: Duration

    init(names: [String], budget: Duration, continuation: CheckedContinuation<[Result], Never>) {
        self.names = names
        self.budget = budget
        state = Mutex(State(results: Array(repeating: nil, count: names.count), remaining: names.count, continuation: continuation))
    }

    /// Registers the watchdog to cancel once the round completes (at once if it already has).
    func onComplete(_ timer: TimerHandle) {
        let cancelNow = state.withLock { state -> Bool in
            if state.continuation == nil { return true }
            state.timer = timer
            return false
        }
        if cancelNow { timer.cancel() }
    }

    /// True once the round has been handed its results.
    var isComplete: Bool { state.withLock { $0.continuation == nil } }

    func deliver(_ index: Int, _ report: CollectorReport, _ samples: [Sample]) {
        let finished: (CheckedContinuation<[Result], Never>, [Result])? = state.withLock { state in
            guard state.continuation != nil, state.results[index] == nil else { return nil }
            state.results[index] = (report, samples)
            state.remaining -= 1
            guard state.remaining == 0, let continuation = state.continuation.take() else { return nil }
            return (continuation, state.results.map { $0! })
        }
        if let (continuation, results) = finished {
            state.withLock { $0.timer.take() }?.cancel()
            continuation.resume(returning: results)
        }
    }

    func expire() {
        let finished: (CheckedContinuation<[Result], Never>, [Result])? = state.withLock { state in
            guard let continuation = state.continuation.take() else { return nil }
            let results = state.results.enumerated().map { index, result in
                result ?? (CollectorReport(collector: names[index], outcome: .timedOut(budget: budget), duration: budget), [])
            }
            return (continuation, results)
        }
        if let (continuation, results) = finished { continuation.resume(returning: results) }
    }
}
