import HeadroomCollectors
import HeadroomCore
import HeadroomNotify
import Synchronization

/// The history's health as samples: `history_write_failed` (1 with the path and the reason
/// while the store cannot be opened or written, or a flush has been under way for
/// `HungWrite.limit`; the built-in rule of that name alerts on it), samples written and
/// dropped, and the file's size.
struct HistoryCollector: Collector {
    let recorder: HistoryRecorder
    var name: String { "history" }

    func collect() throws(CollectorError) -> [Sample] {
        let status = recorder.status.withLock { $0 }
        let path = recorder.path
        let problem =
            status.problem.map { "\(path): \($0)" }
            ?? HungWrite.problem(path: path, since: status.writingSince, now: recorder.clock.uptime())
        return [
            Sample("history_write_failed", .none, problem == nil ? 0 : 1, detail: problem),
            Sample("history_samples_written_total", .none, Double(status.samplesWritten), kind: .counter),
            Sample("history_samples_dropped_total", .none, Double(status.samplesDropped), kind: .counter),
            Sample("history_events_written_total", .none, Double(status.eventsWritten), kind: .counter),
            Sample("history_file_bytes", .none, Double(status.fileBytes)),
        ]
    }
}
