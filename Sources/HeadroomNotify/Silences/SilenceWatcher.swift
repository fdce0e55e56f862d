import Dispatch
import Foundation
import HeadroomCore
import Logging
import Synchronization

/// Reads the silences file for delivery off delivery's own thread: a disk that stops
/// answering (a hard network mount, where even stat(2) hangs; a file that blocks on open)
/// holds up a thread of its own, never the pipeline.
///
/// `refresh()` starts a check (the file's modification time, then the file when that
/// changed) and waits for it at most `patience`. While a check that ran out of patience has
/// not returned, later calls start none and do not wait: the silences last read keep
/// applying. A check that returns late hands its result to the next call. Said once when a
/// check hangs and once when it returns.
final class SilenceWatcher: Sendable {
    /// What a check found.
    enum Refresh: Sendable {
        case unchanged
        case loaded([Silence])
        case failed(SilenceError)
    }

    private struct State {
        /// The modification time of the file as last read (nil: absent or never read).
        var modified: Date?
        var checking = false
        /// The caller waiting for the check under way (nil once it stopped waiting).
        var waiter: DispatchSemaphore?
        /// The result of the latest check, not yet handed to a caller.
        var result: Refresh?
    }

    private let store: SilenceStore
    private let patience: Duration
    private let logger: Logger
    private let state = Mutex(State())
    /// Whether the hang was said; held while either line is logged, so "answers again" never
    /// comes before the hang it ends.
    private let announced = Mutex(false)

    init(store: SilenceStore, patience: Duration, logger: Logger) {
        self.store = store
        self.patience = patience
        self.logger = logger
    }

    /// What changed since the last call: nil when nothing is known yet (a check is hung, or
    /// ran out of patience now).
    func refresh() -> Refresh? {
        let semaphore = DispatchSemaphore(value: 0)
        let (late, start) = state.withLock { state -> (Refresh?, Bool) in
            if let result = state.result {
                state.result = nil
                return (result, false)
            }
            guard !state.checking else { return (nil, false) }
            state.checking = true
            state.waiter = semaphore
            return (nil, true)
        }
        if let late { return late }
        guard start else { return nil }
        DetachedThread.start(name: "headroom-silence") { self.check() }
        guard semaphore.wait(timeout: .now() + .nanoseconds(Int(patience.wholeNanoseconds))) == .timedOut else { return take() }
        let gaveUp = state.withLock { state -> Bool in
            guard state.waiter === semaphore else { return false } // answered meanwhile
            state.waiter = nil
            return true
        }
        guard gaveUp else { return take() }
        announced.withLock { said in
            guard !said, state.withLock({ $0.checking }) else { return }
            said = true
            logger.warning(
                "the silences file has not answered for \(patience): the silences last read apply until it does",
                metadata: ["path": "\(store.path)"])
        }
        return nil
    }

    private func take() -> Refresh? {
        state.withLock { state in
            defer { state.result = nil }
            return state.result
        }
    }

    /// On the check's thread: reads the file if it changed, then hands the result over.
    private func check() {
        let known = state.withLock { $0.modified }
        let modified = store.modificationDate()
        let result: Refresh
        if modified == known {
            result = .unchanged
        } else {
            do { result = .loaded(try store.load()) } catch { result = .failed(error) }
        }
        let waiter = state.withLock { state -> DispatchSemaphore? in
            state.modified = modified
            state.checking = false
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        announced.withLock { said in
            guard said else { return }
            said = false
            logger.notice("the silences file answers again", metadata: ["path": "\(store.path)"])
        }
        waiter?.signal()
    }
}
