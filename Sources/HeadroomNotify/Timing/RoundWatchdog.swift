import CLinuxShims
import Glibc
import Synchronization

/// `SystemClock`'s alarms: deadlines that cost nothing until they pass. A round arms one at a quarter of its
/// collector budget and cancels it when its collectors answered, which is almost always: both
/// are a `timerfd_settime` on a timer the watchdog thread waits on, and that thread wakes only
/// when a deadline really passes (a collector stuck in the kernel or in a hung driver). A
/// dispatch timer, by contrast, wakes libdispatch's manager thread to arm it and again to
/// cancel it: two context switches a round for nothing.
///
/// One thread for the process, started at the first `schedule`; any number of deadlines (a
/// test process runs many daemons at once). Actions run on that thread, one after another,
/// so they must be short: hand real work to another thread.
final class RoundWatchdog: Sendable {
    static let shared = RoundWatchdog()

    private struct Entry {
        var deadline: MonotonicInstant
        var action: @Sendable () -> Void
    }

    private struct State {
        var nextID: UInt64 = 0
        var entries: [UInt64: Entry] = [:]
        /// The deadline the kernel timer is set to (nil: disarmed).
        var armed: MonotonicInstant?
        var started = false
    }

    private let timer: Int32
    private let state = Mutex(State())

    private init() {
        timer = timerfd_create(CLOCK_MONOTONIC, Int32(TFD_CLOEXEC))
        precondition(timer >= 0, "timerfd_create failed: errno \(errno)")
    }

    /// Calls `action` on the watchdog thread at `deadline`, unless cancelled before.
    func schedule(at deadline: MonotonicInstant, _ action: @escaping @Sendable () -> Void) -> ClockAlarm {
        let (alarm, start) = state.withLock { state -> (ClockAlarm, Bool) in
            let id = state.nextID
            state.nextID += 1
            state.entries[id] = Entry(deadline: deadline, action: action)
            rearm(&state)
            defer { state.started = true }
            return (ClockAlarm(id: id), !state.started)
        }
        if start { DetachedThread.start(name: "headroom-watch") { self.watch() } }
        return alarm
    }

    /// Forgets the deadline; its action will not run (unless it already runs now).
    func cancel(_ alarm: ClockAlarm) {
        state.withLock { state in
            guard state.entries.removeValue(forKey: alarm.id) != nil else { return }
            rearm(&state)
        }
    }

    /// Sets the kernel timer to the earliest deadline, when that changed.
    private func rearm(_ state: inout State) {
        let earliest = state.entries.values.map(\.deadline).min()
        guard earliest != state.armed else { return }
        state.armed = earliest
        // At least 1 ns, since zero would disarm the timer instead of firing it at once.
        let after = earliest.map { max(1, $0.nanoseconds - hr_monotonic_ns()) } ?? 0
        _ = hr_timerfd_arm(timer, after)
    }

    private func watch() {
        var expirations: UInt64 = 0
        while true {
            // Blocks until the timer expires; re-arming or disarming it does not wake us.
            let count = read(timer, &expirations, MemoryLayout<UInt64>.size)
            if count < 0, errno == EINTR { continue }
            let due = state.withLock { state -> [@Sendable () -> Void] in
                let now = MonotonicInstant(nanoseconds: hr_monotonic_ns())
                let ids = state.entries.filter { $0.value.deadline <= now }.map(\.key)
                let actions = ids.compactMap { state.entries.removeValue(forKey: $0)?.action }
                state.armed = nil
                rearm(&state)
                return actions
            }
            for action in due { action() }
        }
    }
}
