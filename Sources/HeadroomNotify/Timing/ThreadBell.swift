import CLinuxShims
import Glibc

/// Wakes one waiting thread: `ring()` from anywhere, `wait(until:)` blocks until rung or the
/// deadline. A ring while nobody waits is remembered (once), so none is lost.
///
/// On the system clock the wait is a timed sleep in the kernel (a condition variable on
/// CLOCK_MONOTONIC): reaching the deadline wakes this thread and nothing else. On a clock the
/// kernel does not know (a test's manual clock), an alarm at the deadline wakes it instead.
package final class ThreadBell: @unchecked Sendable {
    private let clock: any DaemonClock
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// Guarded by `mutex`.
    private var rung = false

    package init(clock: any DaemonClock) {
        self.clock = clock
        pthread_mutex_init(mutex, nil)
        hr_cond_init_monotonic(condition)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    package func ring() {
        pthread_mutex_lock(mutex)
        rung = true
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    /// Blocks until rung (true) or until `deadline` has passed on the clock (false).
    @discardableResult
    package func wait(until deadline: MonotonicInstant) -> Bool {
        if clock.isKernelMonotonic { return waitInKernel(until: deadline) }
        let passed = Flag()
        let alarm = clock.schedule(at: deadline) { [self] in
            pthread_mutex_lock(mutex)
            passed.value = true
            pthread_cond_signal(condition)
            pthread_mutex_unlock(mutex)
        }
        defer { clock.cancel(alarm) }
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while !rung, !passed.value { pthread_cond_wait(condition, mutex) }
        defer { rung = false }
        return rung
    }

    private func waitInKernel(until deadline: MonotonicInstant) -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while !rung, hr_monotonic_ns() < deadline.nanoseconds {
            _ = hr_cond_wait_until(condition, mutex, deadline.nanoseconds)
        }
        defer { rung = false }
        return rung
    }
}

/// A flag guarded by its owner's mutex.
private final class Flag: @unchecked Sendable {
    var value = false
}
