import HeadroomCore
import Synchronization

/// Blocking calls on a disk that may stop answering (a hard network mount, a dying disk),
/// made for request handlers: each runs on a thread of its own, never a concurrency thread,
/// and its caller waits at most `patience`.
///
/// Bounded both ways: at most `cap` calls run at once (the threads a hung disk can hold), and
/// a call still running past its patience counts as hung until it returns; while `limit`
/// calls are hung, new ones are refused at once. So requests to a hung disk get an answer
/// every time, and hold at most `cap` threads however many come.
package final class DiskCalls: Sendable {
    /// Why a call has no answer: it did not return in time, or earlier ones are still hung or
    /// running.
    package struct Unanswered: Error, CustomStringConvertible {
        package var description: String
    }

    private struct Counts {
        /// Calls started and not returned.
        var running = 0
        /// Of those, calls whose caller stopped waiting.
        var hung = 0
    }

    private let name: String
    private let limit: Int
    private let cap: Int
    private let patience: Duration
    private let clock: any DaemonClock
    private let counts = Mutex(Counts())

    /// - Parameters:
    ///   - name: the threads' name (at most 15 bytes are kept).
    ///   - limit: how many hung calls refuse new ones.
    ///   - cap: how many calls may run at once.
    ///   - patience: how long a caller waits.
    ///   - clock: what the patience is counted on.
    package init(name: String, limit: Int, cap: Int, patience: Duration, clock: any DaemonClock = SystemClock()) {
        self.name = name
        self.limit = limit
        self.cap = cap
        self.patience = patience
        self.clock = clock
    }

    /// Calls still running after their caller stopped waiting.
    package var hung: Int { counts.withLock { $0.hung } }

    /// `body`'s result, or `Unanswered` naming `what` (`CancellationError` when the caller's
    /// task is cancelled meanwhile: not counted as hung).
    package func run<T: Sendable>(_ what: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        let refusal = counts.withLock { counts -> String? in
            if counts.hung >= limit { return "\(counts.hung) earlier call(s) have not returned: its disk does not answer" }
            if counts.running >= cap { return "\(counts.running) calls are under way, the most at once" }
            counts.running += 1
            return nil
        }
        if let refusal { throw Unanswered(description: "\(what): \(refusal)") }
        let outcome = Eventual<Result<T, any Error>>()
        // The call's result, kept where its caller's giving up looks too: whichever comes second
        // of the return and the giving up settles the counts (this lock, then the counts').
        let ends = Mutex<(result: Result<T, any Error>?, abandoned: Bool)>((nil, false))
        DetachedThread.start(name: name) {
            let result = Result { try body() }
            ends.withLock { ends in
                ends.result = result
                self.counts.withLock { counts in
                    counts.running -= 1
                    if ends.abandoned { counts.hung -= 1 }
                }
            }
            // Counted out before its caller hears: a caller's next call finds the slot free.
            outcome.complete(result)
        }
        if let result = await outcome.value(within: patience, clock: clock) { return try result.get() }
        let cancelled = Task.isCancelled
        let answer = ends.withLock { ends -> Result<T, any Error>? in
            if let result = ends.result { return result } // returned meanwhile: taken after all
            guard !cancelled else { return nil }
            ends.abandoned = true
            counts.withLock { $0.hung += 1 }
            return nil
        }
        if let answer { return try answer.get() }
        if cancelled { throw CancellationError() }
        throw Unanswered(description: "\(what) has not answered in \(patience.headroomDescription): its disk does not answer")
    }
}
