import HeadroomCore
import HeadroomNotify
import Synchronization

/// The sampling rhythm: a thread of its own that sleeps in the kernel until the next slot of
/// a fixed grid, runs one round, and sleeps again. While nothing fires, a round is this one
/// thread waking once: no timer thread, no thread pool, no actor hop in between.
///
/// The grid does not drift; a round that overruns skips the slots it missed rather than
/// bursting to catch up. The first round runs at once. `interval` is read before each sleep,
/// so a reload takes effect from the next slot.
///
/// A round whose thread got stuck inside a collector (see `CollectorRound.collect`) is
/// finished by another thread, which then carries on with `continueHere()`; the stuck
/// thread ends when its call returns.
final class RoundLoop: @unchecked Sendable {
    private let interval: @Sendable () -> Duration
    private let clock: any DaemonClock
    /// Sleeps the loop until the next slot; `stop()` rings it.
    private let bell: ThreadBell
    private let stopped = Atomic<Bool>(false)
    private let exit = Mutex<(done: Bool, action: (@Sendable () -> Void)?)>((false, nil))
    /// Set before the loop's thread starts, then touched only by the thread running the loop
    /// (plain fields: a closure read out of a generic `Mutex` each round costs a
    /// reabstraction thunk per call).
    private var round: (@Sendable () -> Bool)?
    private var next = MonotonicInstant(nanoseconds: 0)

    init(interval: @escaping @Sendable () -> Duration, clock: any DaemonClock) {
        self.interval = interval
        self.clock = clock
        bell = ThreadBell(clock: clock)
    }

    /// Runs `round` on the grid until the task is cancelled; returns after the round in
    /// progress (if any) has finished. `round` returns false when it handed the rest of
    /// itself to another thread (which then calls `continueHere()`).
    func run(name: String, _ round: @escaping @Sendable () -> Bool) async {
        self.round = round
        next = clock.uptime()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                exit.withLock { $0.action = { continuation.resume() } }
                DetachedThread.start(name: name) { self.loop(first: true) }
            }
        } onCancel: {
            stop()
        }
    }

    /// Carries the loop on in the calling thread (after a round was taken over).
    func continueHere() { loop(first: false) }

    /// Ends the loop after the round in progress.
    func stop() {
        stopped.store(true, ordering: .releasing)
        bell.ring()
    }

    private func loop(first: Bool) {
        var runNow = first
        while true {
            if !runNow, !sleepUntilNextSlot() { break }
            runNow = false
            if stopped.load(ordering: .acquiring) { break }
            guard round?() ?? false else { return }
        }
        let action = exit.withLock { exit -> (@Sendable () -> Void)? in
            guard !exit.done else { return nil }
            exit.done = true
            return exit.action
        }
        action?()
    }

    /// Sleeps until the next slot of the grid; false when stopped meanwhile.
    private func sleepUntilNextSlot() -> Bool {
        let step = max(1, interval().wholeNanoseconds)
        let now = clock.uptime().nanoseconds
        var slot = next.nanoseconds + step
        if slot < now { slot += ((now - slot) / step + 1) * step }
        let next = MonotonicInstant(nanoseconds: slot)
        self.next = next
        while !stopped.load(ordering: .acquiring), clock.uptime() < next {
            bell.wait(until: next)
        }
        return !stopped.load(ordering: .acquiring)
    }
}
