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

    public init(collector: any Collector) {
        self.collector = collector
        queue = DispatchQueue(label: "headroom.collector.\(collector.name)")
    }

    public var name: String { collector.name }

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

    /// Takes one reading, or gives up after `budget` (for one-shot use such as `headroom check`).
    public func run(budget: Duration) async -> (report: CollectorReport, samples: [Sample]) {
        let results = await CollectorRound.run([self], budget: budget)
        return results[0]
    }

    /// Calls the collector and classifies the outcome.
    private func collectOnce() -> (CollectorOutcome, [Sample]) {
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

/// One sampling round over several runners: all start at once, and one deadline (a single
/// timer per round) marks whoever has not answered as timed out.
public enum CollectorRound {
    public static func run(_ runners: [CollectorRunner], budget: Duration) async -> [(report: CollectorReport, samples: [Sample])] {
        guard !runners.isEmpty else { return [] }
        return await withCheckedContinuation { continuation in
            let gate = RoundGate(names: runners.map(\.name), budget: budget, continuation: continuation)
            for (index, runner) in runners.enumerated() {
                runner.start { report, samples in gate.deliver(index, report, samples) }
            }
            let nanoseconds = Int(min(budget.headroomSeconds, 3600) * 1e9)
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) { gate.expire() }
        }
    }
}

/// Collects one round's results and resumes the waiting round exactly once: when the
/// last collector answers, or at the deadline with the missing ones marked timed out.
private final class RoundGate: Sendable {
    typealias Result = (report: CollectorReport, samples: [Sample])
    private struct State {
        var results: [Result?]
        var remaining: Int
        var continuation: CheckedContinuation<[Result], Never>?
    }
    private let state: Mutex<State>
    private let names: [String]
    private let budget: Duration

    init(names: [String], budget: Duration, continuation: CheckedContinuation<[Result], Never>) {
        self.names = names
        self.budget = budget
        state = Mutex(State(results: Array(repeating: nil, count: names.count), remaining: names.count, continuation: continuation))
    }

    func deliver(_ index: Int, _ report: CollectorReport, _ samples: [Sample]) {
        let finished: (CheckedContinuation<[Result], Never>, [Result])? = state.withLock { state in
            guard state.continuation != nil, state.results[index] == nil else { return nil }
            state.results[index] = (report, samples)
            state.remaining -= 1
            guard state.remaining == 0, let continuation = state.continuation.take() else { return nil }
            return (continuation, state.results.map { $0! })
        }
        if let (continuation, results) = finished { continuation.resume(returning: results) }
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
