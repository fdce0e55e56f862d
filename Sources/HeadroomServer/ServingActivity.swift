import Synchronization

/// How many requests the server has answered. The daemon reads it each round: once requests
/// stop (the dashboard closed, no scraper), it unmaps the code pages serving touched, as it
/// does after start (`StartupPages`), so a page looked at once costs nothing afterwards.
public final class ServingActivity: Sendable {
    private let answered = Atomic<Int>(0)

    public init() {}

    /// Requests answered since start.
    public var requests: Int { answered.load(ordering: .relaxed) }

    func count() { answered.add(1, ordering: .relaxed) }
}
