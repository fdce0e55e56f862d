import Foundation
import HeadroomNotify

extension Daemon {
    /// Reads what the previous run left in the state directory before any service starts: the
    /// saved alert state (which the first round takes up) and the outbox (what was not yet
    /// delivered). Each read is a step of `deadline`, so a disk that does not answer ends the
    /// start with one line, instead of a round thread or a delivery pass that hangs on it.
    public func recoverState(within deadline: StartupDeadline) async {
        if let path = alerts.stateFilePath {
            deadline.step("reading \(path)") { alerts.loadSavedState() }
        }
        if let directory = pipeline.outboxDirectory {
            let now = dependencies.clock.wallTime()
            await deadline.step("reading the outbox \(directory)") { await pipeline.recover(at: now) }
        }
    }
}
