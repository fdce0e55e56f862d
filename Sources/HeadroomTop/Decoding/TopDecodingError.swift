/// An answer from the daemon that is not what `headroom top` expects: which endpoint, what
/// was wrong, and what to check.
public struct TopDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The endpoint, e.g. `/api/v1/status`.
    public var endpoint: String
    public var problem: String

    public init(endpoint: String, problem: String) {
        self.endpoint = endpoint
        self.problem = problem
    }

    public var description: String {
        "\(endpoint): \(problem) (is the URL a Headroom daemon of the same version? check --url)"
    }
}
