public import Foundation
import Glibc
import HeadroomCore
public import HeadroomNotify
import Synchronization

/// A clock that moves only when told: the daemon's loops, collector budgets, delivery
/// retries and its patience with the disk, push backoff and start-up's deadline wait on it,
/// and a test moves time by hand instead of sleeping. (A delivery pass waiting for a disk
/// that does not answer therefore waits until the test moves the clock.)
///
/// `advance(by:)` moves time forward alarm by alarm: each due alarm runs on the calling
/// thread with the clock standing at its deadline, including alarms that the actions
/// themselves set, then time stands at the target. An alarm set at or before the current
/// time runs at once, on the thread that set it.
public final class ManualClock: DaemonClock {
    private struct Alarm {
        var deadline: MonotonicInstant
        var action: @Sendable () -> Void
    }
    private struct State {
        var now: MonotonicInstant
        var alarms: [UInt64: Alarm] = [:]
        var nextID: UInt64 = 0
        /// Tests waiting for an alarm to be set (`waitForAlarm`, `waitForPendingAlarm`).
        var watchers: [(ready: @Sendable (State) -> Bool, continuation: CheckedContinuation<Void, Never>)] = []
    }
    private let wallStart: Date
    private let origin: MonotonicInstant
    private let state: Mutex<State>

    /// Stands at `wall` (and an arbitrary monotonic origin) until moved.
    public init(wall: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        wallStart = wall
        origin = MonotonicInstant(nanoseconds: 1_000_000_000)
        state = Mutex(State(now: origin))
    }

    public func wallTime() -> Date {
        wallStart.addingTimeInterval(origin.duration(to: uptime()).headroomSeconds)
    }

    public func uptime() -> MonotonicInstant { state.withLock { $0.now } }

    public var isKernelMonotonic: Bool { false }

    /// The deadlines of the alarms still pending (set, not yet run or cancelled), earliest first.
    public var pendingDeadlines: [MonotonicInstant] { state.withLock { $0.alarms.values.map(\.deadline).sorted() } }

    /// How many alarms have been set so far (cancelled ones included).
    public var alarmsSet: UInt64 { state.withLock { $0.nextID } }

    public func schedule(at deadline: MonotonicInstant, _ action: @escaping @Sendable () -> Void) -> ClockAlarm {
        let (alarm, due, watchers) = state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            let due = deadline <= state.now
            if !due { state.alarms[id] = Alarm(deadline: deadline, action: action) }
            let snapshot = state
            let ready = state.watchers.filter { $0.ready(snapshot) }
            state.watchers.removeAll { $0.ready(snapshot) }
            return (ClockAlarm(id: id), due, ready.map(\.continuation))
        }
        for watcher in watchers { watcher.resume() }
        if due { action() }
        return alarm
    }

    public func cancel(_ alarm: ClockAlarm) {
        _ = state.withLock { $0.alarms.removeValue(forKey: alarm.id) }
    }

    /// Returns once more than `count` alarms have been set: a test's way to know that the
    /// code under test has read the clock and armed its deadline before time moves.
    public func waitForAlarm(after count: UInt64) async {
        await wait { $0.nextID > count }
    }

    /// Returns once an alarm is pending (set, not yet run or cancelled) with a deadline at or
    /// after `notBefore`: a test's way to know that a thread or task has gone to sleep on the
    /// clock (the round loop until its next slot, delivery until a retry) before time moves.
    public func waitForPendingAlarm(notBefore: MonotonicInstant? = nil) async {
        await wait { state in state.alarms.values.contains { alarm in notBefore.map { alarm.deadline >= $0 } ?? true } }
    }

    private func wait(until ready: @escaping @Sendable (State) -> Bool) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if ready(state) { return true }
                state.watchers.append((ready, continuation))
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Moves time forward by `duration` from a thread of its own, once more than `count`
    /// alarms have been set. For code that blocks a concurrency thread while it waits on this
    /// clock (delivery waiting for its disk): a task moving the clock could be queued behind
    /// that very wait, and with it every other test's task.
    ///
    /// Until cancelled, the thread then also frees any wait that comes after (an alarm
    /// pending), and one that stays pending for 10 s of real time before the first move: a
    /// wait the test did not expect ends, and fails the test through `ClockMover.cancel()`'s
    /// count, rather than holding a concurrency thread for good.
    public func advance(by duration: Duration, onceMoreAlarmsThan count: UInt64) -> ClockMover {
        let mover = ClockMover()
        DetachedThread.start(name: "test-clock") { [self] in
            var pendingSince: ContinuousClock.Instant?
            while !mover.isCancelled {
                var due = false
                if mover.moves == 0, alarmsSet > count {
                    due = true
                } else if pendingDeadlines.isEmpty {
                    pendingSince = nil
                } else {
                    let since = pendingSince ?? .now
                    pendingSince = since
                    due = mover.moves > 0 || ContinuousClock.now - since > .seconds(10)
                }
                if due, mover.begin() {
                    advance(by: duration)
                    pendingSince = nil
                } else {
                    usleep(1000)
                }
            }
        }
        return mover
    }

    /// Moves time forward until the wall time reads `wall` (no move when it already does).
    public func advance(to wall: Date) {
        let nanoseconds = (wall.timeIntervalSince(wallTime()) * 1e9).rounded()
        if nanoseconds > 0 { advance(by: .nanoseconds(Int64(nanoseconds))) }
    }

    /// Moves time forward by `duration`, running each alarm that comes due on the way.
    public func advance(by duration: Duration) {
        let target = uptime() + duration
        while true {
            let next = state.withLock { state -> Alarm? in
                guard let (id, alarm) = state.alarms.filter({ $0.value.deadline <= target }).min(by: { $0.value.deadline < $1.value.deadline })
                else {
                    // In the same lock: an alarm set from here on is due at once.
                    state.now = max(state.now, target)
                    return nil
                }
                state.alarms[id] = nil
                state.now = max(state.now, alarm.deadline)
                return alarm
            }
            guard let next else { break }
            next.action()
        }
    }
}

/// The thread `ManualClock.advance(by:onceMoreAlarmsThan:)` started.
public final class ClockMover: Sendable {
    private let state = Mutex((cancelled: false, moves: 0))

    var isCancelled: Bool { state.withLock { $0.cancelled } }

    var moves: Int { state.withLock { $0.moves } }

    /// Whether it may move the clock (not cancelled); counted as a move.
    func begin() -> Bool {
        state.withLock { state in
            guard !state.cancelled else { return false }
            state.moves += 1
            return true
        }
    }

    /// Stops it; returns how many times it moved the clock.
    @discardableResult
    public func cancel() -> Int {
        state.withLock { state in
            state.cancelled = true
            return state.moves
        }
    }
}
