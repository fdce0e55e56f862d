import HeadroomCollectors
import HeadroomCore

/// The alert state file's health as samples, as `HistoryCollector` gives the history's:
/// `alert_state_save_failing` (1 with the reason, which names the file, while the latest
/// write failed; the built-in rule `alert_state_save_failed` alerts on it), and the writes
/// done and failed. Read from the saver's counts, never behind a write that hangs.
struct AlertStateCollector: Collector {
    let alerts: AlertCenter
    var name: String { "alert_state" }

    func collect() throws(CollectorError) -> [Sample] { alerts.stateSaveSamples }
}
