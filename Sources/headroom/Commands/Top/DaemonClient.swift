import HeadroomNotify
import HeadroomCore
import HeadroomTop

/// Reads a running daemon's JSON API: status, alerts and the history's `query_range`.
struct DaemonClient: Sendable {
    /// `http://127.0.0.1:19400`, without a trailing slash.
    let baseURL: String
    let tls: TLSSettings
    let timeout: Duration
    private let transport = LiveHTTPTransport(responseLimit: 32 << 20)

    init(baseURL: String, tls: TLSSettings, timeout: Duration = .seconds(2)) {
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        self.baseURL = url
        self.tls = tls
        self.timeout = timeout
    }

    /// A failed request: why, in words that never include the URL's secrets (there are none
    /// in a plain API URL, but the transport keeps to that rule).
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    func status() async throws -> TopStatus {
        try TopStatus.decode(try await get("/api/v1/status", statuses: [200]).body)
    }

    func alerts() async throws -> [TopAlert] {
        try TopAlert.decode(try await get("/api/v1/alerts", statuses: [200]).body)
    }

    /// One metric's series over the last `range` seconds up to `end`, `points` steps.
    func range(_ metric: String, end: Double, range: TopRange, points: Int) async throws -> [PrometheusRange.Series] {
        let step = max(1, (range.seconds / Double(points)).rounded())
        let start = Int(end - range.seconds)
        let path = "/api/v1/query_range?query=\(metric)&start=\(start)&end=\(Int(end))&step=\(Int(step))"
        // An error answer (400, 503 with history off) still carries the Prometheus-style body.
        return try PrometheusRange.parse(try await get(path, statuses: [200, 400, 422, 503]).body)
    }

    private func get(_ path: String, statuses: Set<Int>) async throws -> HTTPResponse {
        let response: HTTPResponse
        do {
            response = try await transport.send(HTTPRequest(method: "GET", url: baseURL + path), tls: tls, timeout: timeout)
        } catch {
            throw Failure(description: error.reason)
        }
        guard statuses.contains(response.status) else {
            throw Failure(description: "\(path.split(separator: "?")[0]) answered HTTP \(response.status)")
        }
        return response
    }
}
