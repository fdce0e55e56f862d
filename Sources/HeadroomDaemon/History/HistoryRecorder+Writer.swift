import Foundation
import HeadroomCore
import HeadroomHistory
import HeadroomNotify
import Logging
import Synchronization

/// The writer thread: every `flush_interval` (or when stopping), the queued rounds and events
/// go to the store in one commit; every hour, retention and the size cap.
extension HistoryRecorder {
    func writeUntilStopped() {
        var nextPrune = clock.wallTime()
        while true {
            let stopping = queue.withLock { $0.stopping }
            // Under way from before the writer's lock is taken, so a prune or a query that
            // hangs holding it counts too (`HungWrite`).
            let started = clock.uptime()
            status.withLock { $0.writingSince = started }
            write()
            if clock.wallTime() >= nextPrune {
                status.withLock { $0.writingSince = clock.uptime() }
                prune()
                nextPrune = clock.wallTime().addingTimeInterval(Self.pruneInterval)
            }
            status.withLock { $0.writingSince = nil }
            if stopping { break }
            bell.wait(until: clock.uptime() + settings.flushInterval)
        }
        writer.withLock { $0.store = nil }
    }

    /// Writes what is queued in one commit (the writer thread every flush interval; a query,
    /// so it sees the latest rounds; a test). Nothing is written, and the queue is dropped
    /// and counted, while the store cannot be opened or written.
    public func write() {
        writer.withLock { writer in write(&writer) }
    }

    /// The flush itself; `writingSince` is set around it (and, on the writer's thread, from
    /// before the lock).
    private func write(_ writer: inout Writer) {
        let taken = queue.withLock { queue in
            defer {
                queue.rounds = []
                queue.events = []
                queue.samples = 0
            }
            return (queue.rounds, queue.events)
        }
        if taken.0.isEmpty, taken.1.isEmpty, writer.store != nil { return }
        let started = clock.uptime()
        status.withLock { $0.writingSince = started }
        defer { status.withLock { $0.writingSince = nil } }
        var events = taken.1
        for round in taken.0 { events += writer.detector.observe(round.incidentSamples, at: round.time) }
        let outcome: Result<Int, HistoryError> = {
            do throws(HistoryError) {
                if writer.store == nil {
                    // Owner-only, like the rest of the state directory: labels name commands and
                    // containers. SQLite gives its -wal and -shm files the same mode.
                    let descriptor = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
                    if descriptor >= 0 { close(descriptor) }
                    let store = try HistoryStore(path: path)
                    store.idleAfter = idleAfter.wholeNanoseconds / 1_000_000
                    writer.store = store
                }
                guard let opened = writer.store else { return .success(0) }
                var written = 0
                for round in taken.0 {
                    try opened.append(round.values, layout: round.layout, at: round.time)
                    written += round.values.count
                }
                try opened.record(events)
                try opened.flush()
                let bytes = opened.fileBytes
                status.withLock { $0.fileBytes = bytes }
                return .success(written)
            } catch {
                writer.store = nil
                return .failure(error)
            }
        }()
        switch outcome {
        case .success(let written):
            let wasFailing = status.withLock { status -> Bool in
                defer { status.problem = nil }
                status.samplesWritten += UInt64(written)
                status.eventsWritten += UInt64(events.count)
                return status.problem != nil
            }
            if wasFailing { logger.notice("history is written again", metadata: ["path": "\(path)"]) }
        case .failure(let error):
            let count = taken.0.reduce(0) { $0 + $1.values.count }
            let first = status.withLock { status -> Bool in
                defer {
                    status.problem = error.reason
                    status.samplesDropped += UInt64(count)
                }
                return status.problem == nil
            }
            if first {
                logger.error(
                    "cannot write the history; sampling and alerting go on without it",
                    metadata: ["path": "\(path)", "reason": "\(error.reason)"])
            }
        }
    }

    /// Deletes what is older than the retention, then what the size cap does not allow; says
    /// once when the cap cut retention short, and once when it no longer does.
    func prune() {
        let now = clock.wallTime()
        let cutoff = Int64((now.timeIntervalSince1970 - settings.retention.headroomSeconds) * 1000)
        // The one-minute tier keeps what is older than the samples, when it reaches further back.
        let rollupCutoff =
            settings.rollupRetention > settings.retention
            ? Int64((now.timeIntervalSince1970 - settings.rollupRetention.headroomSeconds) * 1000) : nil
        let result: Result<(HistoryPruning, Int), HistoryError>? = writer.withLock { writer in
            guard let store = writer.store else { return nil }
            do throws(HistoryError) {
                let pruning = try store.prune(before: cutoff, maxBytes: settings.maxBytes, keepRollupsFrom: rollupCutoff)
                try store.deleteEvents(before: pruning.cutByByteCap ? (pruning.oldestKept ?? cutoff) : cutoff)
                return .success((pruning, store.fileBytes))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let (pruning, bytes))?:
            let oldest = pruning.oldestKept.map { Date(timeIntervalSince1970: Double($0) / 1000) }
            let (announce, recovered) = status.withLock { status -> (Bool, Bool) in
                status.fileBytes = bytes
                let wasCut = status.cutShortAt != nil
                status.cutShortAt = pruning.cutByByteCap ? oldest ?? now : nil
                return (pruning.cutByByteCap && !wasCut, !pruning.cutByByteCap && wasCut && pruning.deletedChunks == 0)
            }
            let rollupsNewlyCut = status.withLock { status -> Bool in
                defer { status.rollupsCutShort = pruning.rollupsCutByByteCap }
                return pruning.rollupsCutByByteCap && !status.rollupsCutShort
            }
            if rollupsNewlyCut, !pruning.cutByByteCap {
                let kept = pruning.oldestRollup.map { HumanDuration.format(seconds: now.timeIntervalSince1970 - Double($0) / 1000) } ?? "nothing"
                logger.info(
                    "history.max_bytes cuts the one-minute tier short: \(kept) kept of \(HumanDuration.format(seconds: settings.rollupRetention.headroomSeconds)) (history.rollup_retention); every sample of history.retention is kept",
                    metadata: ["path": "\(path)", "max_bytes": "\(settings.maxBytes)"])
            }
            if announce {
                let kept = oldest.map { HumanDuration.format(seconds: now.timeIntervalSince($0)) } ?? "nothing"
                logger.warning(
                    "history.max_bytes cuts the retention short: \(kept) kept of \(HumanDuration.format(seconds: settings.retention.headroomSeconds)); raise history.max_bytes or lower history.retention",
                    metadata: ["path": "\(path)", "max_bytes": "\(settings.maxBytes)"])
            } else if recovered {
                logger.info("history.max_bytes no longer cuts the retention short", metadata: ["path": "\(path)"])
            }
        case .failure(let error)?:
            logger.warning("cannot apply the history's retention", metadata: ["path": "\(path)", "reason": "\(error.reason)"])
        case nil:
            break
        }
    }
}
