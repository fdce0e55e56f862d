import HeadroomCore
import Synchronization

/// Blocking calls on a disk that may stop answering (a hard network mount, a dying disk),
/// made for request handlers: each runs on a thread of its own, never a concurrency thread,
/// and its caller waits at most `patience`. A call still running past that counts as hung
/// until it returns; while `limit` calls are hung, new ones are refused at once instead of
/// each leaving one more thread stuck. So a dashboard that polls a hung disk holds at most
/// `limit` threads (plus those within their patience), and gets an answer every time.
package final class DiskCalls: Sendable {
    /// Why a call has no answer: it did not return in time, or earlier ones are still hung.
    package struct Unanswered: Error, CustomStringConvertible {
        package var description: String
    }

    private struct Counts {
        /// Calls whose caller stopped waiting before they returned.
        var hung = 0
    }

    private let name: String
    private let limit: Int
    private let patience: Duration
    private let counts = Mutex(Counts())

    /// - Parameters:
    ///   - name: the threads' name (at most 15 bytes are kept).
    ///   - limit: how many hung calls refuse new ones.
    ///   - patience: how long a caller waits.
    package init(name: String, limit: Int, patience: Duration) {
        self.name = name
        self.limit = limit
        self.patience = patience
    }

    /// Calls still running after their caller stopped waiting.
    package var hung: Int { counts.withLock { $0.hung } }

    /// `body`'s result, or `Unanswered` naming `what`.
    package func run<T: Sendable>(_ what: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        guard counts.withLock({ $0.hung < limit }) else {
            throw Unanswered(description: "\(what): \(limit) earlier call(s) have not returned: its disk does not answer")
        }
        let outcome = Eventual<Result<T, any Error>>()
        // Whichever comes second of the call's return and its caller's giving up settles the
        // count (under this lock, then the counts').
        let ends = Mutex<(returned: Bool, abandoned: Bool)>((false, false))
        DetachedThread.start(name: name) {
            outcome.complete(Result { try body() })
            ends.withLock { ends in
                ends.returned = true
                if ends.abandoned { self.counts.withLock { $0.hung -= 1 } }
            }
        }
        if let result = await outcome.value(within: patience) { return try result.get() }
        let hung = ends.withLock { ends -> Bool in
            guard !ends.returned else { return false }
            ends.abandoned = true
            counts.withLock { $0.hung += 1 }
            return true
        }
        // Returned meanwhile (its answer is set before it says so): taken after all.
        if !hung, let result = outcome.current { return try result.get() }
        throw Unanswered(description: "\(what) has not answered in \(patience.headroomDescription): its disk does not answer")
    }
}
