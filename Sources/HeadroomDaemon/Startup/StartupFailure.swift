/// A resource the daemon needs at start is unusable: one line naming the key, the value
/// and the remedy. `headroom run` prints it and exits 2 before anything starts.
public struct StartupFailure: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
