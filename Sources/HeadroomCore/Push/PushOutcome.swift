/// What to do with a batch after a send attempt: a pure decision on the HTTP status.
public enum PushOutcome: Sendable, Hashable {
    /// Delivered (2xx): acknowledge the batch.
    case delivered
    /// Keep the batch and try again later (network error, 408, 429, 5xx).
    case retry
    /// The server refused the data for good (other 4xx): drop the batch and count it.
    case rejected

    /// nil status: the request did not complete.
    public static func classify(status: Int?) -> PushOutcome {
        guard let status else { return .retry }
        switch status {
        case 200..<300: return .delivered
        case 408, 429, 500...599: return .retry
        default: return .rejected
        }
    }
}
