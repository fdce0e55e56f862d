import Dispatch
import HeadroomCore
import HeadroomNotify
import Logging
import Synchronization

/// Writes the alert state file on a thread of its own, the latest save winning: `submit`
/// never waits, so a disk that stalls holds up this thread alone, never the task that feeds
/// the outbox or a round. The thread starts when a save arrives and ends when none is left:
/// an engine with nothing to save has no thread for it.
///
/// Only that thread writes, so writes take turns (they share the temporary file), and a save
/// no newer than the last one it took is dropped. Shutdown's save (`writeNow`) goes the same
/// way and is waited for, at most a limit: a disk that stopped answering cannot keep the
/// process from exiting.
final class AlertStateSaver: Sendable {
    private struct Queue {
        var pending: AlertCenter.PendingSave?
        /// The number of the latest save the thread took.
        var taken = 0
        var draining = false
        /// Shutdown's wait: the save it waits for (or a newer one), and how to wake it.
        var waiter: (number: Int, semaphore: DispatchSemaphore)?
    }
    /// Writes done and failed, and why the latest failed (the round's samples, and whether a
    /// success is worth a line in the log).
    struct Counts: Sendable {
        var saves = 0
        var failures = 0
        /// Why the latest write failed (naming the file); nil once one succeeds.
        var problem: String?
        /// When the write under way began (nil: none is).
        var writingSince: MonotonicInstant?
    }
    let file: AlertStateFile
    private let logger: Logger
    private let clock: any DaemonClock
    private let queue = Mutex(Queue())
    /// Never held through a write, so a scrape never waits behind one that hangs.
    private let tally = Mutex(Counts())

    var counts: Counts { tally.withLock { $0 } }

    /// Why saving fails now: the latest write's error, or a write under way for
    /// `HungWrite.limit` or longer; nil otherwise.
    var problem: String? {
        let counts = counts
        if let problem = counts.problem { return problem }
        return HungWrite.problem(path: file.path, since: counts.writingSince, now: clock.uptime())
    }

    init(file: AlertStateFile, logger: Logger, clock: any DaemonClock) {
        self.file = file
        self.logger = logger
        self.clock = clock
    }

    /// Hands `save` to the saver's thread (replacing an older one it has not begun), and returns.
    func submit(_ save: AlertCenter.PendingSave) {
        enqueue(save, waiter: nil)
    }

    /// Hands `save` to the saver's thread and waits until it (or a newer one) was tried, at
    /// most `limit` (shutdown). Says so when the disk did not answer in time: the file keeps
    /// its previous save.
    func writeNow(_ save: AlertCenter.PendingSave, within limit: Duration) {
        let semaphore = DispatchSemaphore(value: 0)
        enqueue(save, waiter: (save.number, semaphore))
        if semaphore.wait(timeout: .now() + .nanoseconds(Int(limit.wholeNanoseconds))) == .success {
            // Failures are said once until a write succeeds: this one is the last, say it.
            if let problem = counts.problem { logger.error("the alert state at shutdown is not saved: \(problem)") }
            return
        }
        let waited = queue.withLock { queue -> Bool in
            guard let waiter = queue.waiter, waiter.semaphore === semaphore else { return false }
            queue.waiter = nil
            return true
        }
        if waited {
            logger.error(
                "the alert state's disk did not answer within \(limit): the state at shutdown is not saved to \(file.path); a restart takes up an older save or starts afresh"
            )
        }
    }

    private func enqueue(_ save: AlertCenter.PendingSave, waiter: (number: Int, semaphore: DispatchSemaphore)?) {
        let start = queue.withLock { queue -> Bool in
            if max(queue.pending?.number ?? 0, queue.taken) < save.number { queue.pending = save }
            if let waiter {
                queue.waiter?.semaphore.signal() // one shutdown: an earlier wait gives way
                queue.waiter = waiter
            }
            defer { queue.draining = true }
            return !queue.draining
        }
        if start { DetachedThread.start(name: "headroom-state") { self.drain() } }
    }

    private func drain() {
        while let save = queue.withLock({ queue -> AlertCenter.PendingSave? in
            guard let save = queue.pending.take() else {
                queue.draining = false
                return nil
            }
            queue.taken = save.number
            return save
        }) {
            write(save)
            queue.withLock { queue in
                guard let waiter = queue.waiter, save.number >= waiter.number else { return }
                waiter.semaphore.signal()
                queue.waiter = nil
            }
        }
    }

    private func write(_ save: AlertCenter.PendingSave) {
        let started = clock.uptime()
        tally.withLock { $0.writingSince = started }
        defer { tally.withLock { $0.writingSince = nil } }
        do throws(AlertStateFileError) {
            try file.save(save.state)
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
