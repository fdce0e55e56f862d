import Dispatch
import HeadroomCore
public import HeadroomNotify
import Synchronization

/// Start-up's calls into the state directory, each given `patience` to return (and
/// `headroom silence`'s, with a shorter one).
///
/// A disk that stops answering (a hard network mount whose server went away, a dying disk)
/// fails nothing: its calls hang. Without a deadline the daemon then hung at start with no
/// `/healthz`, or its first round hung reading the saved alert state and nothing was ever
/// sampled again. Each step taken through `step` is watched from a thread of its own; one
/// still running after `patience` ends the start through `expire`, with one line naming
/// `state_dir`, the step and the remedy (`headroom run` prints it and exits 2, so an
/// orchestrator shows why and restarts it later; `headroom silence` exits 1).
///
/// Each step has the whole patience, measured on the daemon's clock from the step's start: a
/// slow disk that answers each call in time is not a disk that does not answer. The thread
/// (asleep on a `ThreadBell`) starts with the first step and ends at `finish()` (or once it
/// has expired the start).
public final class StartupDeadline: Sendable {
    /// How long one step may take before start-up gives up on the disk: far above a slow
    /// disk's seconds, far below a liveness probe's patience for a daemon that never answers.
    public static let defaultPatience: Duration = .seconds(30)

    private struct Watch {
        /// The step under way (numbered) and when it began; nil between steps.
        var step: (number: Int, what: String, began: MonotonicInstant)?
        var steps = 0
        var watching = false
        var finished = false
    }

    /// The state directory the steps' files lie in (named in the failure).
    public let directory: String
    public let patience: Duration
    private let clock: any DaemonClock
    private let expire: @Sendable (StartupFailure) -> Void
    private let watch = Mutex(Watch())
    /// Rung at each step's start and end, and at `finish()`.
    private let bell: ThreadBell
    /// Opened when the watching thread has ended.
    private let ended = DispatchSemaphore(value: 0)

    /// `expire` runs on the watching thread while the step is still stuck on the disk: it
    /// must end the process (or, in tests, free the step) rather than wait for it.
    public init(
        directory: String, patience: Duration = StartupDeadline.defaultPatience, clock: any DaemonClock,
        expire: @escaping @Sendable (StartupFailure) -> Void
    ) {
        self.directory = directory
        self.patience = patience
        self.clock = clock
        self.expire = expire
        bell = ThreadBell(clock: clock)
    }

    /// Runs `body`, which calls into the state directory (`what` says which file, for the failure).
    @discardableResult
    public func step<T>(_ what: String, _ body: () throws -> T) rethrows -> T {
        begin(what)
        defer { end() }
        return try body()
    }

    /// Runs `body`, which calls into the state directory (`what` says which file, for the failure).
    @discardableResult
    public func step<T>(_ what: String, _ body: () async throws -> T) async rethrows -> T {
        begin(what)
        defer { end() }
        return try await body()
    }

    /// Start-up is over: returns once the watching thread has ended (so no step expires after).
    public func finish() {
        let watching = watch.withLock { watch -> Bool in
            watch.finished = true
            return watch.watching
        }
        guard watching else { return }
        bell.ring()
        ended.wait()
    }

    /// What `expire` is given when `step` has not returned within the patience.
    func failure(_ step: String) -> StartupFailure {
        StartupFailure(
            "the state directory \(directory) (state_dir, HEADROOM_STATE_DIR) does not answer: \(step) has not finished in \(patience.headroomDescription); check the disk or the network mount it is on, or set state_dir to a directory on a local disk"
        )
    }

    private func begin(_ what: String) {
        let began = clock.uptime()
        let first = watch.withLock { watch -> Bool in
            watch.steps += 1
            watch.step = (watch.steps, what, began)
            defer { watch.watching = true }
            return !watch.watching
        }
        if first {
            DetachedThread.start(name: "headroom-start") {
                self.watchSteps()
                self.ended.signal()
            }
        } else {
            bell.ring()
        }
    }

    private func end() {
        watch.withLock { $0.step = nil }
        bell.ring()
    }

    /// The watching thread: sleeps until the step under way has had its patience (or, between
    /// steps, until rung), on the daemon's clock.
    private func watchSteps() {
        while true {
            let (step, finished) = watch.withLock { ($0.step, $0.finished) }
            if finished { return }
            guard let step else {
                bell.wait(until: clock.uptime() + .seconds(3600))
                continue
            }
            let deadline = step.began + patience
            if clock.uptime() < deadline {
                bell.wait(until: deadline)
                continue
            }
            // Its patience has passed: stuck, unless it ended meanwhile (another step began).
            // Expired under the lock that ends a step: a step that has ended is never reported
            // stuck. (One whose body returns in the instant before its `end()` still can be.)
            let expired = watch.withLock { watch -> Bool in
                guard watch.step?.number == step.number, !watch.finished else { return false }
                expire(failure(step.what))
                return true
            }
            if expired { return }
        }
    }
}
