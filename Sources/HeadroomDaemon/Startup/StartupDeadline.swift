import Dispatch
import HeadroomCore
import HeadroomNotify
import Synchronization

/// Start-up's calls into the state directory, each given `patience` to return.
///
/// A disk that stops answering (a hard network mount whose server went away, a dying disk)
/// fails nothing: its calls hang. Without a deadline the daemon then hung at start with no
/// `/healthz`, or its first round hung reading the saved alert state and nothing was ever
/// sampled again. Each step taken through `step` is watched from a thread of its own; one
/// still running after `patience` ends the start through `expire`, with one line naming
/// `state_dir`, the step and the remedy (`headroom run` prints it and exits 2, so an
/// orchestrator shows why and restarts it later).
///
/// Each step has the whole patience: a slow disk that answers each call in time is not a
/// disk that does not answer. The thread starts with the first step and ends at `finish()`
/// (or once it has expired the start).
public final class StartupDeadline: Sendable {
    /// How long one step may take before start-up gives up on the disk: far above a slow
    /// disk's seconds, far below a liveness probe's patience for a daemon that never answers.
    public static let defaultPatience: Duration = .seconds(30)

    private struct Watch {
        /// The step under way, nil between steps.
        var step: String?
        /// Counts steps begun and ended: the watcher's wait is for one of them.
        var generation = 0
        var watching = false
        var finished = false
    }

    /// The state directory the steps' files lie in (named in the failure).
    public let directory: String
    public let patience: Duration
    private let expire: @Sendable (StartupFailure) -> Void
    private let watch = Mutex(Watch())
    /// Rung at each step's start and end, and at `finish()`.
    private let bell = DispatchSemaphore(value: 0)

    /// `expire` runs on the watching thread while the step is still stuck on the disk: it
    /// must end the process (or, in tests, free the step) rather than wait for it.
    public init(directory: String, patience: Duration = StartupDeadline.defaultPatience, expire: @escaping @Sendable (StartupFailure) -> Void) {
        self.directory = directory
        self.patience = patience
        self.expire = expire
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

    /// Start-up is over: the watching thread ends.
    public func finish() {
        watch.withLock { $0.finished = true }
        bell.signal()
    }

    /// What `expire` is given when `step` has not returned within the patience.
    func failure(_ step: String) -> StartupFailure {
        StartupFailure(
            "the state directory \(directory) (state_dir, HEADROOM_STATE_DIR) does not answer: \(step) has not finished in \(patience.headroomDescription); check the disk or the network mount it is on, or set state_dir to a directory on a local disk"
        )
    }

    private func begin(_ what: String) {
        let first = watch.withLock { watch -> Bool in
            watch.step = what
            watch.generation += 1
            defer { watch.watching = true }
            return !watch.watching
        }
        if first {
            DetachedThread.start(name: "headroom-start") { self.watchSteps() }
        } else {
            bell.signal()
        }
    }

    private func end() {
        watch.withLock { watch in
            watch.step = nil
            watch.generation += 1
        }
        bell.signal()
    }

    /// The watching thread: waits out each step's patience; a bell (a step begun or ended)
    /// starts the wait again for whatever is under way then.
    private func watchSteps() {
        let patience = DispatchTimeInterval.nanoseconds(Int(clamping: patience.wholeNanoseconds))
        while true {
            let (step, generation, finished) = watch.withLock { ($0.step, $0.generation, $0.finished) }
            if finished { return }
            guard let step else {
                bell.wait()
                continue
            }
            guard bell.wait(timeout: .now() + patience) == .timedOut else { continue }
            let stuck = watch.withLock { $0.generation == generation && !$0.finished }
            if stuck {
                expire(failure(step))
                return
            }
        }
    }
}
