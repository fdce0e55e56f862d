import Synchronization

/// How many requests the server has answered. The daemon reads it each round: once requests
/// stop (the dashboard closed, no scraper), it unmaps the code pages serving touched, as it
/// does after start (`StartupPages`), so a page looked at once costs nothing afterwards.
public final class ServingActivity: Sendable {
    private let answered = Atomic<Int>(0)
    private let bound = Atomic<Bool>(false)

    public init() {}

    /// Requests answered since start.
    public var requests: Int { answered.load(ordering: .relaxed) }

    func count() { answered.add(1, ordering: .relaxed) }

    /// Whether the server has bound its socket: the last of the daemon's start-up work, which
    /// the start-up release waits for (else it unmaps pages start-up is still about to touch).
    public var isListening: Bool { bound.load(ordering: .acquiring) }

    func listening() { bound.store(true, ordering: .releasing) }
}
