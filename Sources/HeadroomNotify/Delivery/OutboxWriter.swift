import Foundation
import HeadroomCore
import Logging
import Synchronization

/// Makes the outbox's changes durable on a thread of its own, in the order they were made.
///
/// The pipeline waits for each batch as it always did (an entry is on disk before its first
/// attempt), but at most `patience`: a disk that stops answering (a hung fsync, a stalled
/// network volume) then holds up this thread alone. Until it answers again the pipeline
/// does not wait at all and delivers from memory, and behind the pipeline the rounds never
/// wait for the disk. It answers again once it has written what was handed over before it
/// stalled and the last batch was written within `patience` of when it could first be
/// (`drain`): a disk that is slow rather than hung (every flush longer than the patience)
/// stays in the stall instead of going in and out of it at each pass. Said once when it
/// stalls and once when it answers again. The patience runs on the daemon's clock.
///
/// What waits for the disk is coalesced per file, the newest change winning: an entry
/// rewritten replaces the write not yet begun, a removal replaces it, and an entry never
/// written is not removed at all. So what waits is bounded by what the outbox holds.
final class OutboxWriter: Sendable {
    /// Changes to make durable together.
    struct Batch: Sendable {
        var changes: [String: DeliveryPipeline.DiskChange] = [:]
        var deliveredFirings: Set<String>?
        var sendTimes: [String: [Date]]?

        var isEmpty: Bool { files == 0 }
        /// The files it writes or removes.
        var files: Int { changes.count + (deliveredFirings == nil ? 0 : 1) + (sendTimes == nil ? 0 : 1) }
    }

    private struct State {
        var queued = Batch()
        /// When the first change still queued was handed over.
        var queuedSince: MonotonicInstant?
        /// Files of the batch being written.
        var inFlight = 0
        /// The number of the latest batch handed over, and of the latest one written (or
        /// cancelled out while it waited).
        var submitted = 0
        var written = 0
        var draining = false
        /// Entries whose file exists or may (recovered, or handed to the disk since) and
        /// has not been removed: the ones a removal must reach.
        var onDisk: Set<String> = []
        /// Set when a wait ran out: the number the disk has yet to reach (after a slow write,
        /// the next batch's).
        var stalledAt: Int?
        var waiters: [Int: ThreadBell] = [:]
    }

    private let store: OutboxStore
    private let patience: Duration
    /// What `patience` runs on, and a write is timed on.
    private let clock: any DaemonClock
    private let logger: Logger
    private let state = Mutex(State())
    /// Whether the stall was said; held while either line is logged, so "answers again"
    /// never comes before the stall it ends.
    private let announced = Mutex(false)

    init(store: OutboxStore, patience: Duration, clock: any DaemonClock, logger: Logger) {
        self.store = store
        self.patience = patience
        self.clock = clock
        self.logger = logger
    }

    /// Files waiting for the disk (written, replaced or removed), the batch being written
    /// included (`/metrics`).
    var writesWaiting: Int { state.withLock { $0.inFlight + $0.queued.files } }

    /// Files of the batch being written (0: none): whether this thread has taken up what was
    /// handed over, or it still waits for it (tests).
    var filesInFlight: Int { state.withLock { $0.inFlight } }

    /// Entries found on disk at start, which removals must reach.
    func noteOnDisk(_ ids: [String]) {
        state.withLock { $0.onDisk.formUnion(ids) }
    }

    /// Hands `batch` to the disk's thread, then waits until it is written, at most
    /// `patience`, and not at all while the disk has not answered a previous wait.
    func persist(_ batch: consuming Batch) {
        guard !batch.isEmpty else { return }
        let bell = ThreadBell(clock: clock)
        let now = clock.uptime()
        let (number, start, wait) = state.withLock { state -> (Int, Bool, Bool) in
            if state.queued.isEmpty { state.queuedSince = now }
            Self.merge(batch, into: &state)
            state.submitted += 1
            let wait = state.stalledAt == nil
            if wait { state.waiters[state.submitted] = bell }
            defer { state.draining = true }
            return (state.submitted, !state.draining, wait)
        }
        if start { DetachedThread.start(name: "headroom-outbox") { self.drain() } }
        guard wait, !bell.wait(until: now + patience) else { return }
        let stalled = state.withLock { state -> Bool in
            guard state.waiters.removeValue(forKey: number) != nil else { return false } // written meanwhile
            state.stalledAt = max(state.stalledAt ?? 0, number)
            return true
        }
        guard stalled else { return }
        announced.withLock { said in
            guard !said, isStalled else { return }
            said = true
            logger.warning(
                "the outbox's disk has not answered for \(patience): notifications are delivered from memory until it does; those not yet written are lost if headroom stops meanwhile",
                metadata: ["directory": "\(store.directory)"])
        }
    }

    /// At shutdown: waits until everything handed over is written, at most `limit`, stalled
    /// or not, and returns how many files are still waiting.
    func finish(within limit: Duration) -> Int {
        let bell = ThreadBell(clock: clock)
        let deadline = clock.uptime() + limit
        let (number, idle) = state.withLock { state -> (Int, Bool) in
            guard state.written < state.submitted else { return (state.submitted, true) }
            state.waiters[state.submitted] = bell
            return (state.submitted, false)
        }
        if !idle, !bell.wait(until: deadline) {
            state.withLock { _ = $0.waiters.removeValue(forKey: number) }
        }
        return writesWaiting
    }

    private var isStalled: Bool { state.withLock { $0.stalledAt != nil } }

    /// Folds `batch` into what waits, the newest change of each file winning.
    private static func merge(_ batch: Batch, into state: inout State) {
        if state.queued.changes.isEmpty, batch.changes.allSatisfy({ !$0.value.isRemoval || state.onDisk.contains($0.key) }) {
            // Nothing waits (the usual case): taken as it is, not copied entry by entry (a storm's
            // 10,000 entries).
            state.queued.changes = batch.changes
        } else {
            fold(batch.changes, into: &state)
        }
        if let firings = batch.deliveredFirings { state.queued.deliveredFirings = firings }
        if let times = batch.sendTimes { state.queued.sendTimes = times }
    }

    private static func fold(_ changes: [String: DeliveryPipeline.DiskChange], into state: inout State) {
        for (id, change) in changes {
            switch change {
            case .write:
                state.queued.changes[id] = change
            case .remove:
                if state.onDisk.contains(id) {
                    state.queued.changes[id] = change
                } else {
                    state.queued.changes[id] = nil // its write never began: nothing to remove
                }
            }
        }
    }

    /// Writes batch after batch until none waits. Each batch taken covers every number
    /// handed over so far; an empty queue means all of them are done (changes that cancelled
    /// out while waiting included), which releases every waiter.
    ///
    /// A write is slow when it ends `patience` or more after its batch could first be written:
    /// handed over, and this thread done with the batch before. A thread slow to start is
    /// part of the wait, as it is for the pass that waits.
    private func drain() {
        var taken: (batch: Batch, number: Int, begins: MonotonicInstant)?
        var freeSince: MonotonicInstant?
        while true {
            var slow = false
            if let taken {
                write(taken.batch)
                let end = clock.uptime()
                freeSince = end
                slow = taken.begins.duration(to: end) >= patience
            }
            let (next, answered) = state.withLock { state -> ((batch: Batch, number: Int, begins: MonotonicInstant)?, Bool) in
                if let taken { state.written = taken.number }
                state.inFlight = 0
                var next: (batch: Batch, number: Int, begins: MonotonicInstant)?
                if state.queued.isEmpty {
                    state.written = state.submitted
                    state.draining = false
                } else {
                    for (id, change) in state.queued.changes {
                        if case .write = change { state.onDisk.insert(id) } else { state.onDisk.remove(id) }
                    }
                    let begins = [state.queuedSince, freeSince].compactMap { $0 }.max() ?? clock.uptime()
                    next = (state.queued, state.submitted, begins)
                    state.inFlight = state.queued.files
                    state.queued = Batch()
                }
                for (waiting, bell) in state.waiters where waiting <= state.written {
                    bell.ring()
                    state.waiters[waiting] = nil
                }
                guard let stalled = state.stalledAt, state.written >= stalled else { return (next, false) }
                guard !slow else {
                    // Caught up, slowly: the next batch written decides.
                    state.stalledAt = state.submitted + (next == nil ? 1 : 0)
                    return (next, false)
                }
                state.stalledAt = nil
                return (next, true)
            }
            if answered {
                announced.withLock { said in
                    guard said, !isStalled else { return }
                    said = false
                    logger.notice("the outbox's disk answers again", metadata: ["directory": "\(store.directory)"])
                }
            }
            guard let next else { return }
            taken = next
        }
    }

    /// Writes and removes with one flush each (a storm costs one fsync, not one per
    /// notification); each failure is logged and the rest goes on.
    private func write(_ batch: Batch) {
        if let times = batch.sendTimes {
            do { try store.saveSendTimes(times) } catch {
                logger.error("cannot save the rate budgets", metadata: ["error": "\(error)"])
            }
        }
        if let firings = batch.deliveredFirings {
            do { try store.saveDeliveredFirings(firings) } catch {
                logger.error("cannot save which firings were delivered", metadata: ["error": "\(error)"])
            }
        }
        let changes = batch.changes.values.sorted { $0.id < $1.id }
        let writes = changes.compactMap { if case .write(let entry) = $0 { entry } else { nil } }
        let removals = changes.compactMap { if case .remove(let id) = $0 { id } else { nil } }
        do {
            try store.write(writes)
        } catch {
            logger.error(
                "cannot write the outbox; these notifications are kept in memory only",
                metadata: ["notifications": "\(writes.count)", "error": "\(error)"])
        }
        do {
            try store.remove(removals)
        } catch {
            logger.error(
                "cannot remove delivered notifications from the outbox; they may be sent again after a restart",
                metadata: ["notifications": "\(removals.count)", "error": "\(error)"])
        }
    }
}
