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
        let (entries, unreadable) = store.load()
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

    /// Writes and removes what this pass changed, with one flush each (a storm costs one
    /// fsync, not one per notification). New entries are flushed before their first attempt.
    func flushDisk() {
        if let store, outbox.budgetsChanged {
            outbox.budgetsChanged = false
            do { try store.saveSendTimes(outbox.budgets.filter { !$0.value.limits.isEmpty }.mapValues(\.sent)) } catch {
                logger.error("cannot save the rate budgets", metadata: ["error": "\(error)"])
            }
        }
        if let store, outbox.deliveredFiringsChanged {
            outbox.deliveredFiringsChanged = false
            do { try store.saveDeliveredFirings(outbox.deliveredFirings) } catch {
                logger.error("cannot save which firings were delivered", metadata: ["error": "\(error)"])
            }
        }
        guard let store, !unsaved.isEmpty else { return }
        let changes = unsaved.values.sorted { $0.id < $1.id }
        unsaved = [:]
        let writes = changes.compactMap { if case .write(let entry) = $0 { entry } else { nil } }
        let removals = changes.compactMap { if case .remove(let id) = $0 { id } else { nil } }
        do {
            try store.write(writes)
        } catch {
            logger.error(
                "cannot write the outbox; these notifications are kept in memory only",
                metadata: [
                    "notifications": "\(writes.count)", "error": "\(error)",
                ])
        }
        do {
            try store.remove(removals)
        } catch {
            logger.error(
                "cannot remove delivered notifications from the outbox; they may be sent again after a restart",
                metadata: ["notifications": "\(removals.count)", "error": "\(error)"])
        }
    }

    enum DiskChange {
        case write(OutboxEntry)
        case remove(String)

        var id: String {
            // (the file name: creation-ordered)
            switch self {
            case .write(let entry): entry.id
            case .remove(let id): id
            }
        }
    }
}
