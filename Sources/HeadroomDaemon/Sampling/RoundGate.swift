import HeadroomCore
import HeadroomNotify
import Synchronization

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
    private let answered: ThreadBell

    init(names: [String], budget: Duration, clock: any DaemonClock) {
        self.names = names
        self.budget = budget
        answered = ThreadBell(clock: clock)
        // Appended rather than `Array(repeating:count:)`, whose buffer is made by a generic
        // function that looks the element type's metadata up at run time every round.
        var results: [Result?] = []
        results.reserveCapacity(names.count)
        for _ in names { results.append(nil) }
        state = Mutex(State(results: results, remaining: names.count))
    }

    func deliver(_ index: Int, _ report: CollectorReport, _ samples: [Sample]) {
        let completed = state.withLock { state -> Bool in
            guard state.complete == nil, state.results[index] == nil else { return false }
            state.results[index] = Result(report: report, samples: samples)
            state.remaining -= 1
            guard state.remaining == 0 else { return false }
            state.complete = state.results.compactMap { $0 }
            return true
        }
        if completed { answered.ring() }
    }

    /// The results once every collector answered, or at `deadline` with the missing ones
    /// timed out.
    func wait(until deadline: MonotonicInstant) -> [Result] {
        if state.withLock({ $0.complete }) == nil { answered.wait(until: deadline) }
        return state.withLock { state in
            if let complete = state.complete { return complete }
            let results = state.results.enumerated().map { index, result in
                result ?? Result(report: CollectorReport(collector: names[index], outcome: .timedOut(budget: budget), duration: budget), samples: [])
            }
            state.complete = results
            return results
        }
    }
}
