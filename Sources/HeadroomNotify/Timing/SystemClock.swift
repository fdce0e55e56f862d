import CLinuxShims
public import Foundation

/// The real clock: wall time from the system, monotonic time from CLOCK_MONOTONIC, alarms on
/// `RoundWatchdog`'s timer (free to arm and cancel; its thread wakes only when one is due).
public struct SystemClock: DaemonClock {
    public init() {}

    public func wallTime() -> Date { Date() }

    public func uptime() -> MonotonicInstant { MonotonicInstant(nanoseconds: hr_monotonic_ns()) }

    public func schedule(at deadline: MonotonicInstant, _ action: @escaping @Sendable () -> Void) -> ClockAlarm {
        RoundWatchdog.shared.schedule(at: deadline, action)
    }

    public func cancel(_ alarm: ClockAlarm) { RoundWatchdog.shared.cancel(alarm) }

    public var isKernelMonotonic: Bool { true }

    /// An alarm on the watchdog's timer, not `Task.sleep`: that one goes to Dispatch's pool,
    /// whose first job arms libdispatch's one-second monitor for good (`TaskThreads`).
    public func sleep(until deadline: MonotonicInstant) async throws {
        await Doorbell().wait(until: deadline, on: self)
        try Task.checkCancellation()
    }
}
