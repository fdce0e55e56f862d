/// Seam for the silences API (`GET/POST /api/v1/silences`, `DELETE /api/v1/silences/{id}`).
/// Bodies are JSON bytes in and out, so the server needs no silence model of its own; the
/// silence engine plugs in here. Mutations reach it only with a valid bearer token.
public protocol SilenceEndpoint: Sendable {
    /// The silences as a JSON array.
    func list() async -> SilenceResult
    /// Creates a silence from a JSON body.
    func create(_ body: [UInt8]) async -> SilenceResult
    /// Expires the silence `id`.
    func expire(id: String) async -> SilenceResult
}

/// What a silence operation answers: an HTTP status code and a JSON body.
public struct SilenceResult: Sendable, Hashable {
    public var status: Int
    public var json: String
    public init(status: Int, json: String) {
        self.status = status
        self.json = json
    }
}
