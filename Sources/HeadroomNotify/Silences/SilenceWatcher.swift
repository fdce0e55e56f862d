import Foundation
import HeadroomCore
import Logging
import Synchronization

/// Reads the silences file for delivery off delivery's own thread: a disk that stops
/// answering (a hard network mount, where even stat(2) hangs; a file that blocks on open)
/// holds up a thread of its own, never the pipeline.
///
/// `refresh()` starts a check (the file's modification time, then the file when that
/// changed) and waits for it at most `patience`. Once a wait has run out, delivery stops
/// waiting: later calls start a check when none is under way and take what earlier checks
/// found, and the silences last read keep applying meanwhile. It waits again after a check
/// returns within `patience` of the `refresh()` that started it, so a file that is slow
/// rather than hung does not go in and out of the stall at every pass. Said once each way.
/// The patience runs on the daemon's clock.
final class SilenceWatcher: Sendable {
    /// What a check found that delivery has to take up.
    enum Refresh: Sendable {
        case loaded([Silence])
        case failed(SilenceError)
    }

    private struct State {
        /// The modification time of the file as last read (nil: absent or never read). Kept
        /// as it was when a read fails, so the next check reads again.
        var modified: Date?
        /// The latest failure handed over, not handed again until a read succeeds or the
        /// failure changes.
        var failure: String?
        var checking = false
        /// The caller waiting for the check under way (nil once it stopped waiting).
        var waiter: ThreadBell?
        /// What checks found and no caller took yet, oldest first.
        var found: [Refresh] = []
    }

    private let store: SilenceStore
    private let patience: Duration
    /// What `patience` runs on, and a check is timed on.
    private let clock: any DaemonClock
    private let logger: Logger
    private let state = Mutex(State())
    /// Whether delivery stopped waiting (and said so). Taken before `state`; held while
    /// either line is logged and while a check hands its result over, so "answers again"
    /// comes after the stall it ends and before what the check found is used.
    private let stalled = Mutex(false)

    init(store: SilenceStore, patience: Duration, clock: any DaemonClock, logger: Logger) {
        self.store = store
        self.patience = patience
        self.clock = clock
        self.logger = logger
    }

    /// What changed since the last call, oldest first (to apply in order): what earlier
    /// checks found, then what a new one finds within `patience` unless delivery stopped
    /// waiting.
    func refresh() -> [Refresh] {
        let waits = !stalled.withLock { $0 }
        let bell = ThreadBell(clock: clock)
        let now = clock.uptime()
        let (earlier, started) = state.withLock { state -> ([Refresh], Bool) in
            defer { state.found = [] }
            guard !state.checking else { return (state.found, false) }
            state.checking = true
            if waits { state.waiter = bell }
            return (state.found, true)
        }
        // Timed from here, not from when its thread first runs: a thread slow to start is
        // part of the wait.
        if started { DetachedThread.start(name: "headroom-silence") { self.check(began: now) } }
        guard started, waits else { return earlier }
        if bell.wait(until: now + patience) { return earlier + take() }
        let gaveUp = state.withLock { state -> Bool in
            guard state.waiter === bell else { return false } // answered meanwhile
            state.waiter = nil
            return true
        }
        guard gaveUp else { return earlier + take() }
        stalled.withLock { said in
            guard !said, state.withLock({ $0.checking }) else { return }
            said = true
            logger.warning(
                "the silences file has not answered for \(patience): the silences last read apply until it does",
                metadata: ["path": "\(store.path)"])
        }
        return earlier
    }

    private func take() -> [Refresh] {
        state.withLock { state in
            defer { state.found = [] }
            return state.found
        }
    }

    /// On the check's thread: reads the file if it changed, then hands the result over.
    private func check(began: MonotonicInstant) {
        let known = state.withLock { $0.modified }
        let modified = store.modificationDate()
        var result: Refresh?
        var read = modified
        if modified != known {
            do { result = .loaded(try store.load()) } catch {
                result = .failed(error)
                read = known
            }
        }
        let quick = began.duration(to: clock.uptime()) < patience
        stalled.withLock { said in
            if said, quick {
                said = false
                logger.notice("the silences file answers again", metadata: ["path": "\(store.path)"])
            }
            let waiter = state.withLock { state -> ThreadBell? in
                state.modified = read
                state.checking = false
                switch result {
                case .failed(let error)?:
                    if state.failure != error.description {
                        state.failure = error.description
                        state.found.append(.failed(error))
                    }
                case .loaded(let silences)?:
                    state.failure = nil
                    state.found.append(.loaded(silences))
                case nil:
                    break
                }
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.ring()
        }
    }
}
