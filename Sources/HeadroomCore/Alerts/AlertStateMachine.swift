#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// The lifecycle of one rule on one series: inactive → pending → firing → (resolved) inactive.
///
/// It is fed one observation per evaluation round and returns what happened; it never
/// reads a clock (`now` is the sample time) and never performs an action.
public struct AlertStateMachine: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        case inactive
        /// The condition holds but the hold policy is not yet satisfied.
        case pending(since: Date)
        /// The alert fires; `since` is when the condition started holding.
        case firing(since: Date, firedAt: Date)
    }

    /// What one observation changed.
    public enum Transition: Sendable, Equatable {
        case none
        /// Started pending (the hold policy is not yet satisfied).
        case pending
        /// Went back to inactive from pending without ever firing.
        case cancelled
        /// Started firing.
        case fired
        /// Stopped firing: a recovery (nil), or the series unseen for this many seconds,
        /// `stale_after` or more. A number, not text, so that a transition is a plain value:
        /// the round copies thousands of them, and a string in one made each copy a retain.
        case resolved(silence: Double?)

        /// Why it resolved, in words, when it was not a plain recovery.
        public var reason: String? {
            guard case .resolved(let silence?) = self else { return nil }
            return "no data for \(HumanDuration.format(seconds: silence))"
        }
    }

    /// The hold and release parameters, copied from the rule. Held by reference: the alert
    /// engine gives every machine of a rule the same storage (8 bytes in each slot instead
    /// of 80), and a change makes new storage, so a `Timing` still behaves as a value.
    public struct Timing: Sendable, Equatable {
        public var hold: HoldPolicy {
            get { storage.hold }
            set { storage = Storage(hold: newValue, keepFiringFor: keepFiringFor, staleAfter: staleAfter) }
        }
        public var keepFiringFor: Duration {
            get { storage.keepFiringFor }
            set { storage = Storage(hold: hold, keepFiringFor: newValue, staleAfter: staleAfter) }
        }
        public var staleAfter: Duration {
            get { storage.staleAfter }
            set { storage = Storage(hold: hold, keepFiringFor: keepFiringFor, staleAfter: newValue) }
        }
        /// The durations in seconds, kept beside them: each observation compares with them,
        /// and converting a `Duration` is 128-bit arithmetic.
        var holdSeconds: Double { storage.holdSeconds }
        var keepFiringSeconds: Double { storage.keepFiringSeconds }
        var staleAfterSeconds: Double { storage.staleAfterSeconds }
        private var storage: Storage

        public init(hold: HoldPolicy, keepFiringFor: Duration = .zero, staleAfter: Duration = .seconds(300)) {
            storage = Storage(hold: hold, keepFiringFor: keepFiringFor, staleAfter: staleAfter)
        }

        public static func == (left: Timing, right: Timing) -> Bool {
            left.storage === right.storage
                || (left.hold == right.hold && left.keepFiringFor == right.keepFiringFor
                    && left.staleAfter == right.staleAfter)
        }

        private final class Storage: Sendable {
            let hold: HoldPolicy
            let keepFiringFor: Duration
            let staleAfter: Duration
            let holdSeconds: Double
            let keepFiringSeconds: Double
            let staleAfterSeconds: Double

            init(hold: HoldPolicy, keepFiringFor: Duration, staleAfter: Duration) {
                self.hold = hold
                self.keepFiringFor = keepFiringFor
                self.staleAfter = staleAfter
                if case .duration(let duration) = hold {
                    holdSeconds = duration.headroomSeconds
                } else {
                    holdSeconds = 0
                }
                keepFiringSeconds = keepFiringFor.headroomSeconds
                staleAfterSeconds = staleAfter.headroomSeconds
            }
        }
    }

    public private(set) var state: State = .inactive
    public var timing: Timing
    /// Consecutive breaching observations (for `samples: N`).
    public private(set) var consecutive = 0
    /// Bit i set: the observation i rounds ago breached (for `within`).
    private var history: UInt64 = 0
    private var lastBreachAt: Date?
    /// When the series was last seen with a value.
    public private(set) var lastSeenAt: Date?

    public init(timing: Timing) {
        self.timing = timing
    }

    /// Feeds one value. `breached`: the rule's condition holds. `cleared`: the value is back
    /// beyond the clear threshold (equal to `!breached` for rules without `clear`).
    public mutating func observe(breached: Bool, cleared: Bool, at now: Date) -> Transition {
        lastSeenAt = now
        consecutive = breached ? consecutive + 1 : 0
        history = (history << 1) | (breached ? 1 : 0)
        if breached { lastBreachAt = now }

        switch state {
        case .inactive:
            guard breached else { return .none }
            if holdSatisfied(since: now, at: now) {
                state = .firing(since: now, firedAt: now)
                return .fired
            }
            state = .pending(since: now)
            return .pending

        case .pending(let since):
            if breached {
                if holdSatisfied(since: since, at: now) {
                    state = .firing(since: since, firedAt: now)
                    return .fired
                }
                return .none
            }
            // `within` tolerates gaps: it stays pending while the window still holds a breach.
            if case .within(_, let of) = timing.hold, (history & mask(of)).nonzeroBitCount > 0 {
                return .none
            }
            reset()
            return .cancelled

        case .firing:
            guard cleared, !breached else { return .none }
            if timing.keepFiringSeconds > 0, let lastBreachAt,
                now.timeIntervalSince(lastBreachAt) < timing.keepFiringSeconds
            {
                return .none
            }
            reset()
            return .resolved(silence: nil)
        }
    }

    /// Records that the series had no value this round (collector failed, series gone).
    public mutating func observeAbsent(at now: Date) -> Transition {
        switch state {
        case .inactive:
            return .none
        case .pending:
            // A hold must be continuous: a gap restarts it.
            reset()
            return .cancelled
        case .firing:
            let last = lastSeenAt ?? now
            let silence = now.timeIntervalSince(last)
            guard silence >= timing.staleAfterSeconds else { return .none }
            reset()
            return .resolved(silence: silence)
        }
    }

    /// True while pending or firing.
    public var isActive: Bool {
        if case .inactive = state { return false }
        return true
    }

    public var isFiring: Bool {
        if case .firing = state { return true }
        return false
    }

    private func holdSatisfied(since: Date, at now: Date) -> Bool {
        switch timing.hold {
        case .immediately:
            return true
        case .duration:
            // A tiny tolerance absorbs scheduling jitter: a 10 s hold sampled every 5 s
            // fires on the third sample even when it lands at 9.999 s.
            return now.timeIntervalSince(since) + 0.001 >= timing.holdSeconds
        case .consecutiveSamples(let count):
            return consecutive >= count
        case .within(let count, let of):
            return (history & mask(of)).nonzeroBitCount >= count
        }
    }

    private func mask(_ count: Int) -> UInt64 {
        count >= 64 ? .max : (UInt64(1) << UInt64(count)) - 1
    }

    // MARK: - Saved state

    /// Everything the machine remembers, as plain values: what a restart saves and restores
    /// so a hold or a firing alert continues instead of starting over.
    public struct Memento: Sendable, Equatable, Codable {
        /// `inactive`, `pending` or `firing`.
        public var state: String
        public var since: Date?
        public var firedAt: Date?
        public var consecutive: Int
        public var history: UInt64
        public var lastBreachAt: Date?
        public var lastSeenAt: Date?
    }

    public var memento: Memento {
        var memento = Memento(
            state: "inactive", consecutive: consecutive, history: history,
            lastBreachAt: lastBreachAt, lastSeenAt: lastSeenAt)
        switch state {
        case .inactive: break
        case .pending(let since):
            memento.state = "pending"
            memento.since = since
        case .firing(let since, let firedAt):
            memento.state = "firing"
            memento.since = since
            memento.firedAt = firedAt
        }
        return memento
    }

    /// A machine in the saved state, with the rule's current timing; nil for a state it
    /// does not know.
    public init?(timing: Timing, memento: Memento) {
        self.timing = timing
        switch (memento.state, memento.since, memento.firedAt) {
        case ("inactive", _, _): state = .inactive
        case ("pending", let since?, _): state = .pending(since: since)
        case ("firing", let since?, let firedAt?): state = .firing(since: since, firedAt: firedAt)
        default: return nil
        }
        consecutive = memento.consecutive
        history = memento.history
        lastBreachAt = memento.lastBreachAt
        lastSeenAt = memento.lastSeenAt
    }

    private mutating func reset() {
        state = .inactive
        consecutive = 0
        history = 0
        lastBreachAt = nil
    }
}
