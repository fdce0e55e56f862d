public import Foundation
import HeadroomCore

/// The daemon's time, injected: the sampling loop's grid, the collectors' budget, delivery's
/// retries and its patience with the disk, push's backoff and start-up's deadline all read
/// and wait on one of these. `SystemClock` is the real
/// one; a test passes a manual clock (HeadroomTesting's `ManualClock`) and moves time by hand.
///
/// Not Swift's `Clock`: that one only sleeps tasks, and the round thread must sleep in the
/// kernel (one wake-up per round) and be woken early by a deadline it armed elsewhere.
///
/// Implementers: `uptime()` never goes backwards; an alarm's action runs once, at or after
/// its deadline, unless cancelled first (an action already running is not stopped), and it
/// must be short (it may run on a thread shared with other alarms). An alarm whose deadline
/// has passed when it is scheduled runs at once.
public protocol DaemonClock: Sendable {
    /// Wall time, for stamping samples and notifications.
    func wallTime() -> Date
    /// Monotonic time, for intervals, budgets and deadlines.
    func uptime() -> MonotonicInstant
    /// Calls `action` at `deadline`, unless cancelled before.
    func schedule(at deadline: MonotonicInstant, _ action: @escaping @Sendable () -> Void) -> ClockAlarm
    /// Forgets the alarm; its action will not run unless it already does.
    func cancel(_ alarm: ClockAlarm)
    /// Whether instants are CLOCK_MONOTONIC nanoseconds, so a thread can sleep in the kernel
    /// until one (`ThreadBell`) instead of being woken by an alarm.
    var isKernelMonotonic: Bool { get }
    /// Sleeps the task until `deadline`; throws `CancellationError` when the task is cancelled.
    func sleep(until deadline: MonotonicInstant) async throws
}

extension DaemonClock {
    /// An alarm that resumes the task: what a clock the kernel cannot wait on does.
    public func sleep(until deadline: MonotonicInstant) async throws {
        let bell = Doorbell()
        let alarm = schedule(at: deadline) { bell.ring() }
        await bell.wait()
        cancel(alarm)
        try Task.checkCancellation()
    }
}

/// A point on a `DaemonClock`'s monotonic scale, in nanoseconds from an arbitrary origin.
public struct MonotonicInstant: Comparable, Hashable, Sendable {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    public static func + (lhs: Self, rhs: Duration) -> Self { Self(nanoseconds: lhs.nanoseconds + rhs.wholeNanoseconds) }

    public static func - (lhs: Self, rhs: Duration) -> Self { Self(nanoseconds: lhs.nanoseconds - rhs.wholeNanoseconds) }

    /// How long from this instant to `other` (negative when `other` is earlier).
    public func duration(to other: Self) -> Duration { .nanoseconds(other.nanoseconds - nanoseconds) }
}

/// A scheduled alarm, to cancel it.
public struct ClockAlarm: Hashable, Sendable {
    public let id: UInt64

    public init(id: UInt64) { self.id = id }
}
