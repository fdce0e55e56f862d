/// Whether and when a supervised child is started again (`headroom run --restart …`).
public struct RestartPolicy: Sendable, Hashable {
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        /// Never: Headroom exits with the child's status.
        case never
        /// Only after a failure (a non-zero code or a signal).
        case onFailure = "on-failure"
        /// After any exit.
        case always
    }

    public var mode: Mode
    /// The first delay; it doubles per consecutive restart up to `maximumDelay`.
    public var initialDelay: Duration
    public var maximumDelay: Duration
    /// Give up after this many consecutive restarts (nil: never give up).
    public var maximumRestarts: Int?

    public init(mode: Mode = .never, initialDelay: Duration = .seconds(1), maximumDelay: Duration = .seconds(30), maximumRestarts: Int? = nil) {
        self.mode = mode
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.maximumRestarts = maximumRestarts
    }

    /// The delay before restart number `restarts + 1`, or nil to stop and exit.
    public func delay(after termination: ChildTermination, restarts: Int) -> Duration? {
        switch mode {
        case .never: return nil
        case .onFailure: if !termination.isFailure { return nil }
        case .always: break
        }
        if let maximumRestarts, restarts >= maximumRestarts { return nil }
        return Backoff(initial: initialDelay, maximum: maximumDelay).delay(afterFailures: restarts + 1)
    }
}
