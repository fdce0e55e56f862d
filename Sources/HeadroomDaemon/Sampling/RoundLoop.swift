import CLinuxShims
import Glibc
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
    // A condition variable on CLOCK_MONOTONIC: a timed sleep that `stop()` can cut short.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// Guarded by `mutex`.
    private var stopped = false
    private var exited = false
    private var onExit: (@Sendable () -> Void)?
    /// The next slot, CLOCK_MONOTONIC nanoseconds; touched only by the thread running the loop.
    private var next: Int64 = 0
    private var round: (@Sendable () -> Bool)?

    init(interval: @escaping @Sendable () -> Duration) {
        self.interval = interval
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `round` on the grid until the task is cancelled; returns after the round in
    /// progress (if any) has finished. `round` returns false when it handed the rest of
    /// itself to another thread (which then calls `continueHere()`).
    func run(name: String, _ round: @escaping @Sendable () -> Bool) async {
        self.round = round
        next = hr_monotonic_ns()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                locked { onExit = { continuation.resume() } }
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
        locked {
            stopped = true
            pthread_cond_signal(condition)
        }
    }

    private func loop(first: Bool) {
        var runNow = first
        while true {
            if !runNow, !sleepUntilNextSlot() { break }
            runNow = false
            if locked({ stopped }) { break }
            guard round?() ?? false else { return }
        }
        let exit = locked { () -> (@Sendable () -> Void)? in
            guard !exited else { return nil }
            exited = true
            return onExit
        }
        exit?()
    }

    /// Sleeps until the next slot of the grid; false when stopped meanwhile.
    private func sleepUntilNextSlot() -> Bool {
        let step = max(1, interval().wholeNanoseconds)
        next += step
        let now = hr_monotonic_ns()
        if next < now { next += ((now - next) / step + 1) * step }
        return locked {
            while !stopped, hr_monotonic_ns() < next {
                _ = hr_cond_wait_until(condition, mutex, next)
            }
            return !stopped
        }
    }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }
}

extension Duration {
    /// The duration in whole nanoseconds, as the kernel's clocks take it.
    var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
