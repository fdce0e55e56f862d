public import Foundation
import HeadroomCore
import Logging

/// The durable side: what a previous run left, and this pass's writes and removals made
/// durable together.
extension DeliveryPipeline {
    /// Loads the outbox a previous run left (entries for channels no longer configured are
    /// dropped with a warning) and returns how many entries are pending. Once: a second call
    /// only counts.
    @discardableResult
    public func recover(at now: Date) -> Int {
        guard !recovered else { return outbox.pending.count }
        recovered = true
        guard let store else { return 0 }
        let firings = store.loadDeliveredFirings()
        let sendTimes = store.loadSendTimes()
        // A write already under way (the disk stalled before this ran) keeps its temporary file.
        let (entries, unreadable) = store.load(removingTemporaries: (writer?.writesWaiting ?? 0) == 0)
        writer?.noteOnDisk(entries.map(\.id))
        for name in unreadable {
            logger.error("outbox entry cannot be read; left in place for inspection", metadata: ["file": "\(store.directory)/\(name)"])
        }
        let orphans = outbox.recover(
            entries, deliveredFirings: firings, sendTimes: sendTimes,
            channels: routes.map(\.configuration))
        for entry in orphans {
            logger.warning(
                "dropping a pending notification for a channel that is no longer configured",
                metadata: ["channel": "\(entry.channel)", "key": "\(entry.idempotencyKey)"])
            removeFromDisk(entry)
        }
        flushDisk()
        if !outbox.pending.isEmpty {
            logger.info("outbox recovered", metadata: ["pending": "\(outbox.pending.count)", "directory": "\(store.directory)"])
        }
        return outbox.pending.count
    }

    /// Queues a write of `entry`; `flushDisk()` makes the queued changes durable together.
    func persist(_ entry: OutboxEntry) {
        guard store != nil else { return }
        unsaved[entry.id] = .write(entry)
    }

    /// Queues the removal of `entry`'s file.
    func removeFromDisk(_ entry: OutboxEntry) {
        guard store != nil else { return }
        unsaved[entry.id] = .remove(entry.id)
    }

    /// At shutdown, after the last pass: waits until the outbox's writes are done, at most
    /// `limit` even on a disk that stopped answering, and returns how many files are left
    /// unwritten.
    public func finishWrites(within limit: Duration) -> Int {
        writer?.finish(within: limit) ?? 0
    }

    /// Hands what this pass changed to the disk's thread and waits until it is durable, at
    /// most the writer's patience (`OutboxWriter`): new entries are on disk before their
    /// first attempt, unless the disk stopped answering.
    func flushDisk() {
        guard let writer else { return }
        let sendTimes = outbox.budgetsChanged ? outbox.budgets.filter { !$0.value.limits.isEmpty }.mapValues(\.sent) : nil
        let deliveredFirings = outbox.deliveredFiringsChanged ? outbox.deliveredFirings : nil
        outbox.budgetsChanged = false
        outbox.deliveredFiringsChanged = false
        let changes = unsaved
        unsaved = [:]
        writer.persist(OutboxWriter.Batch(changes: changes, deliveredFirings: deliveredFirings, sendTimes: sendTimes))
    }

    enum DiskChange {
        case write(OutboxEntry)
        case remove(String)

        var isRemoval: Bool {
            if case .remove = self { true } else { false }
        }

        var id: String {
            // (the file name: creation-ordered)
            switch self {
            case .write(let entry): entry.id
            case .remove(let id): id
            }
        }
    }
}
