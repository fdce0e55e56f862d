import HeadroomCore
import HeadroomNotify

/// A disk that stops answering fails nothing: its writes only hang. So a write still under way
/// after `limit` counts as failed, for the alert state's saves (`alert_state_save_failed`) and
/// the history's flushes (`history_write_failed`) alike, measured on the daemon's clock.
enum HungWrite {
    /// How long a write may be under way before it counts as failed (both write a few KiB).
    static let limit: Duration = .seconds(10)

    /// Why the write to `path` under way since `since` counts as failed at `now`; nil when
    /// none is under way or it is younger than `limit`.
    static func problem(path: String, since: MonotonicInstant?, now: MonotonicInstant) -> String? {
        guard let since else { return nil }
        let elapsed = since.duration(to: now)
        guard elapsed >= limit else { return nil }
        return "writing \(path) has not finished in \(Int(elapsed.headroomSeconds)) s: its disk does not answer"
    }
}
