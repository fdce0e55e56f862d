import HeadroomNotify
import Logging
import Synchronization

/// Writes the alert state file on a thread of its own, the latest save winning: `submit`
/// never waits, so a disk that stalls holds up this thread alone, never the task that feeds
/// the outbox or a round. The thread starts when a save arrives and ends when none is left:
/// an engine with nothing to save has no thread for it.
///
/// Writes take turns (they share the temporary file), and one older than what the file holds
/// is skipped: `writeNow` (shutdown) can meet the thread's last write.
final class AlertStateSaver: Sendable {
    private struct Queue {
        var pending: AlertCenter.PendingSave?
        var draining = false
    }
    /// Writes done and failed, and why the latest failed (the round's samples, and whether a
    /// success is worth a line in the log).
    struct Counts: Sendable {
        var saves = 0
        var failures = 0
        /// Why the latest write failed (naming the file); nil once one succeeds.
        var problem: String?
    }
    private let file: AlertStateFile
    private let logger: Logger
    private let queue = Mutex(Queue())
    /// The number of the save the file holds; held through each write, so writes take turns.
    private let written = Mutex(0)
    /// Apart from `written`, so a scrape never waits behind a write that hangs.
    private let tally = Mutex(Counts())

    var counts: Counts { tally.withLock { $0 } }

    init(file: AlertStateFile, logger: Logger) {
        self.file = file
        self.logger = logger
    }

    /// Hands `save` to the saver's thread (replacing an older one it has not begun), and returns.
    func submit(_ save: AlertCenter.PendingSave) {
        let start = queue.withLock { queue -> Bool in
            if (queue.pending?.number ?? 0) < save.number { queue.pending = save }
            defer { queue.draining = true }
            return !queue.draining
        }
        if start { DetachedThread.start(name: "headroom-state") { self.drain() } }
    }

    /// Writes `save` on the caller's thread, after any write under way (shutdown).
    func writeNow(_ save: AlertCenter.PendingSave) {
        queue.withLock { queue in
            if let pending = queue.pending, pending.number < save.number { queue.pending = nil }
        }
        write(save)
    }

    private func drain() {
        while let save = queue.withLock({ queue -> AlertCenter.PendingSave? in
            guard let save = queue.pending.take() else {
                queue.draining = false
                return nil
            }
            return save
        }) {
            write(save)
        }
    }

    private func write(_ save: AlertCenter.PendingSave) {
        written.withLock { written in
            guard save.number > written else { return }
            do throws(AlertStateFileError) {
                try file.save(save.state)
                written = save.number
                let recovered = tally.withLock { tally -> Bool in
                    defer {
                        tally.saves += 1
                        tally.problem = nil
                    }
                    return tally.problem != nil
                }
                if recovered { logger.info("alert state saved again to \(file.path)") }
            } catch {
                // Said once until it recovers: the daemon keeps running on the state in memory,
                // and the next save tries again.
                let first = tally.withLock { tally -> Bool in
                    defer {
                        tally.failures += 1
                        tally.problem = error.description
                    }
                    return tally.problem == nil
                }
                if first { logger.error("cannot save the alert state; a restart will start afresh: \(error.description)") }
            }
        }
    }
}
