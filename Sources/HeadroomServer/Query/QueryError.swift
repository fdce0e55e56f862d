/// Why a history request failed, as the Prometheus API reports it: an `errorType`, a
/// sentence, and the HTTP status.
struct QueryError: Error, Equatable {
    enum Kind: String {
        /// The request is malformed or asks for something Headroom does not evaluate (400).
        case badData = "bad_data"
        /// History is switched off (503).
        case unavailable
        /// Reading the history failed (500).
        case `internal`
    }

    var type: Kind
    var message: String

    var status: Int {
        switch type {
        case .badData: 400
        case .unavailable: 503
        case .internal: 500
        }
    }

    static func badData(_ message: String) -> QueryError { QueryError(type: .badData, message: message) }

    /// `invalid parameter "start": cannot parse "x" to a valid timestamp`, Prometheus's wording.
    static func invalidParameter(_ name: String, _ reason: String) -> QueryError {
        badData("invalid parameter \"\(name)\": \(reason)")
    }
}
