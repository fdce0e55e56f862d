import Foundation
import HeadroomCore
import Synchronization

/// What the supervisor knows about its child, shared with the collector that turns it into
/// samples (collectors are synchronous, hence a lock rather than an actor).
final class ChildState: Sendable {
    struct Values {
        var running = false
        var starts = 0
        var crashes = 0
        var lastTermination: ChildTermination?
        /// The last stderr lines of the current run, counting the CUDA out-of-memory ones
        /// (PyTorch's `torch.OutOfMemoryError: CUDA out of memory.`, the CUDA runtime's
        /// `CUDA error: out of memory`).
        var tail = Values.newTail()
        /// CUDA out-of-memory lines of the runs before this one (a counter survives restarts).
        var earlierOutOfMemoryLines = 0
        var lastOutOfMemoryLine: String?

        static func newTail() -> LineTail {
            LineTail(capacity: 10, watching: ["CUDA out of memory", "CUDA error: out of memory"])
        }

        var outOfMemoryLines: Int { earlierOutOfMemoryLines + tail.watchedLines }

        /// A new run: a fresh tail, the counts kept.
        mutating func restart() {
            earlierOutOfMemoryLines += tail.watchedLines
            lastOutOfMemoryLine = tail.lastWatchedLine ?? lastOutOfMemoryLine
            tail = Values.newTail()
        }
    }

    let command: String
    private let values = Mutex(Values())

    init(command: String) {
        self.command = command
    }

    func update(_ body: (inout Values) -> Void) {
        values.withLock { body(&$0) }
    }

    var snapshot: Values { values.withLock { $0 } }

    /// Appends stderr bytes to the kept tail.
    func appendStderr(_ bytes: [UInt8]) {
        values.withLock { $0.tail.append(bytes) }
    }
}
