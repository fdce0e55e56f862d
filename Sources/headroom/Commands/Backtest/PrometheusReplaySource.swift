import Foundation
import HeadroomCore
import HeadroomNotify

/// Range data from a Prometheus-API server (Prometheus, VictoriaMetrics, Headroom's own
/// history API) as a replay source: per window of at most an hour, one `query_range` per
/// metric the rules need, at the configuration's interval as the step, merged into rounds by
/// step time (`PrometheusRange`). Incidents are found in the counters by the replay.
struct PrometheusReplaySource: ReplaySource {
    /// A request that failed or an answer that is not a success, naming the URL.
    struct Failure: Error, CustomStringConvertible {
        var url: String
        var message: String
        var description: String { "\(url): \(message)" }
    }

    /// The server's base URL without a trailing slash.
    let base: String
    let step: Int64
    let queries: [PrometheusRange.Query]
    let transport: any HTTPTransport
    /// How long one request may take.
    static let timeout: Duration = .seconds(120)

    init(url: String, interval: Duration, rules: [AlertRule], transport: any HTTPTransport = LiveHTTPTransport(responseLimit: 256 << 20)) throws {
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        guard let parsed = URLComponents(string: base), parsed.host?.isEmpty == false else {
            throw Failure(url: url, message: "not a URL such as http://prometheus:9090")
        }
        self.base = base
        self.step = PrometheusRange.step(interval)
        self.queries = PrometheusRange.queries(for: rules)
        self.transport = transport
    }

    func rounds(from: Date, to: Date, _ round: (Date, [Sample]) throws -> Void) async throws {
        let start = Int64((from.timeIntervalSince1970 * 1000).rounded(.up))
        let end = Int64((to.timeIntervalSince1970 * 1000).rounded(.down))
        for window in PrometheusRange.windows(from: start, to: end, step: step) {
            var headroom: [PrometheusRange.Series] = []
            var dcgm: [PrometheusRange.Series] = []
            for query in queries {
                let series = try await fetch(query.promQL, from: window.start, to: window.end)
                if query.isDCGM { dcgm += series } else { headroom += series }
            }
            for (time, samples) in PrometheusRange.rounds(headroom: headroom, dcgm: dcgm) {
                try round(Date(timeIntervalSince1970: Double(time) / 1000), samples)
            }
        }
    }

    func incidents(from: Date, to: Date) async throws -> [HistoryEvent]? { nil }

    /// One `query_range` from `from` to `to` (Unix milliseconds) at the step.
    func fetch(_ promQL: String, from: Int64, to: Int64) async throws -> [PrometheusRange.Series] {
        let endpoint = base + "/api/v1/query_range"
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let query = promQL.addingPercentEncoding(withAllowedCharacters: allowed) ?? promQL
        let url = "\(endpoint)?query=\(query)&start=\(Self.seconds(from))&end=\(Self.seconds(to))&step=\(Self.seconds(step))"
        let response: HTTPResponse
        do {
            response = try await transport.send(HTTPRequest(method: "GET", url: url), tls: TLSSettings(), timeout: Self.timeout)
        } catch {
            throw Failure(url: Self.redacted(endpoint), message: error.reason)
        }
        do {
            return try PrometheusRange.parse(response.body)
        } catch {
            let status = (200..<300).contains(response.status) ? "" : "HTTP \(response.status), "
            throw Failure(url: Self.redacted(endpoint), message: "\(status)\(error.message) (query \(promQL))")
        }
    }

    /// Unix milliseconds as Prometheus' decimal seconds.
    static func seconds(_ milliseconds: Int64) -> String {
        let whole = milliseconds / 1000
        let fraction = milliseconds % 1000
        return fraction == 0 ? String(whole) : "\(whole)." + String(String(fraction + 1000).dropFirst())
    }

    /// The URL without user information (a password never reaches a message).
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.user != nil || components.password != nil else { return url }
        components.user = nil
        components.password = nil
        return components.string ?? url
    }
}
