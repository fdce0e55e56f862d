import Dispatch
public import Foundation
import HeadroomCollectors
public import HeadroomCore
public import HeadroomNotify
import Synchronization

/// One sampling round over several runners.
///
/// Healthy collectors run one after another on the round's own thread: no other thread
/// wakes. A deadline at a quarter of the budget (an alarm on the clock; on the system clock
/// free to arm and cancel) checks on them: if that thread is still inside one collector, the collector is
/// quarantined onto its own queue for good, the ones after it are started on another thread
/// at once, so they still answer within the budget, and the round is finished elsewhere. At
/// the full budget, whoever has not answered is reported timed out.
public enum CollectorRound {
    /// What one collector answered. A struct rather than a tuple: arrays of tuples have
    /// their type metadata looked up at run time each time one is made (a measurable part of
    /// a round).
    public struct Result: Sendable {
        public var report: CollectorReport
        public var samples: [Sample]
    }

    /// One round, off the caller's thread (`headroom check`, tests): a hung collector never
    /// holds one of the concurrency pool's few threads. Not on Dispatch's global queue either:
    /// it has as many threads as cores, and a round blocks its thread for up to the budget.
    public static func run(_ runners: [CollectorRunner], budget: Duration, clock: any DaemonClock) async -> [Result] {
        guard !runners.isEmpty else { return [] }
        return await withCheckedContinuation { continuation in
            DetachedThread.start(name: "headroom-round") {
                if let results = collect(runners, budget: budget, clock: clock, takeOver: { continuation.resume(returning: $0) }) {
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
        _ runners: [CollectorRunner], budget: Duration, clock: any DaemonClock,
        takeOver: @escaping @Sendable ([Result]) -> Void
    ) -> [Result]? {
        guard !runners.isEmpty else { return [] }
        let total = min(budget, .seconds(3600))
        let start = clock.uptime()
        let deadline = start + total
        let gate = RoundGate(names: runners.map(\.name), budget: budget, clock: clock)
        var shared: [Int] = []
        for (index, runner) in runners.enumerated() {
            if runner.isQuarantined {
                runner.start(clock: clock) { report, samples in gate.deliver(index, report, samples) }
            } else {
                shared.append(index)
            }
        }
        let block = SharedBlock(shared)
        // A quarter in whole nanoseconds: `Duration * Int` is generic, not inlined, and was a
        // measurable share of an idle round.
        let watch = clock.schedule(at: start + .nanoseconds(total.wholeNanoseconds / 4)) {
            guard let (stuck, rest) = block.abandon() else { return }
            if let stuck { runners[stuck].quarantine() }
            if !rest.isEmpty {
                // A thread of their own: a busy global queue (as many threads as cores)
                // could hold them past the budget.
                DetachedThread.start(name: "headroom-collect") { _ = SharedBlock(rest).run(runners, gate, clock) }
            }
            DetachedThread.start(name: "headroom-round") {
                takeOver(settle(gate.wait(until: deadline), runners))
            }
        }
        let finished = block.run(runners, gate, clock)
        clock.cancel(watch)
        guard finished else { return nil }
        return settle(gate.wait(until: deadline), runners)
    }

    /// The round's snapshot: every collector's report, and their samples in collector order.
    public static func snapshot(_ results: [Result], at time: Date) -> HostSnapshot {
        var reports: [CollectorReport] = []
        var samples: [Sample] = []
        reports.reserveCapacity(results.count)
        for result in results {
            reports.append(result.report)
            samples += result.samples
        }
        return HostSnapshot(time: time, samples: samples, collectors: reports)
    }

    private static func settle(_ results: [Result], _ runners: [CollectorRunner]) -> [Result] {
        results.enumerated().map { index, result in Result(report: runners[index].settle(result.report), samples: result.samples) }
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
    func run(_ runners: [CollectorRunner], _ gate: RoundGate, _ clock: any DaemonClock) -> Bool {
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
                let (report, samples) = runners[index].runInline(clock: clock)
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
