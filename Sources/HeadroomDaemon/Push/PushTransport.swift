/// Sends one HTTP POST; the push service's only I/O seam (tests substitute it).
protocol PushTransport: Sendable {
    /// The response status, or throws when no response arrived within `timeout`.
    func post(url: String, headers: [(String, String)], body: [UInt8], timeout: Duration) async throws -> Int
}
