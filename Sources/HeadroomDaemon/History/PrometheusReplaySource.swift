public import Foundation
public import HeadroomCore
public import HeadroomNotify

/// Range data from a Prometheus-API server (Prometheus, VictoriaMetrics, Headroom's own
/// history API) as a replay source (`headroom backtest --source http(s)://…`): per window of
/// at most an hour, one `query_range` per metric the rules need, at the configuration's
/// interval as the step, merged into rounds by step time (`PrometheusRange`, the pure half).
/// A window's queries are sent a few at a time, and their answers are merged in query order,
/// so the rounds do not depend on which answer came first. Incidents are found in the
/// counters by the replay.
public struct PrometheusReplaySource: ReplaySource, Sendable {
    /// A request that failed or an answer that is not a success, naming the URL.
    public struct Failure: Error, CustomStringConvertible {
        public var url: String
        public var message: String
        public var description: String { "\(url): \(message)" }
    }

    /// The server's base URL without a trailing slash.
    let base: String
    let step: Int64
    let queries: [PrometheusRange.Query]
    let tls: TLSSettings
    let transport: any HTTPTransport
    /// How many of a window's requests are in flight at once.
    let concurrency: Int
    /// How long one request may take.
    static let timeout: Duration = .seconds(120)
    /// Requests in flight at once by default: a window's queries overlap without flooding
    /// the server (Prometheus runs 20 queries at once by default, `--query.max-concurrency`).
    public static let concurrentRequests = 4

    /// A source reading `url` (`http(s)://host:9090`, a path prefix allowed) for `rules`, at
    /// the step of `interval`; `tls` verifies an https server and presents a client
    /// certificate. Throws when `url` is not a URL with a host.
    public init(
        url: String, interval: Duration, rules: [AlertRule], tls: TLSSettings = TLSSettings(),
        transport: any HTTPTransport = LiveHTTPTransport(responseLimit: 256 << 20), concurrency: Int = concurrentRequests
    ) throws {
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        guard let parsed = URLComponents(string: base), parsed.host?.isEmpty == false else {
            throw Failure(url: url, message: "not a URL such as http://prometheus:9090")
        }
        self.base = base
        self.step = PrometheusRange.step(interval)
        self.queries = PrometheusRange.queries(for: rules)
        self.tls = tls
        self.transport = transport
        self.concurrency = max(1, concurrency)
    }

    public func rounds(from: Date, to: Date, _ round: (Date, [Sample]) throws -> Void) async throws {
        let start = Int64((from.timeIntervalSince1970 * 1000).rounded(.up))
        let end = Int64((to.timeIntervalSince1970 * 1000).rounded(.down))
        for window in PrometheusRange.windows(from: start, to: end, step: step) {
            let answers = try await Self.inOrder(queries, limit: concurrency) { query in
                try await fetch(query.promQL, from: window.start, to: window.end)
            }
            var headroom: [PrometheusRange.Series] = []
            var dcgm: [PrometheusRange.Series] = []
            for (query, series) in zip(queries, answers) {
                if query.isDCGM { dcgm += series } else { headroom += series }
            }
            for (time, samples) in PrometheusRange.rounds(headroom: headroom, dcgm: dcgm) {
                try round(Date(timeIntervalSince1970: Double(time) / 1000), samples)
            }
        }
    }

    /// `body` applied to every item, at most `limit` at once (the next starts as one ends);
    /// the results in the items' order. The first error thrown cancels the rest.
    static func inOrder<Item: Sendable, Output: Sendable>(
        _ items: [Item], limit: Int, _ body: @escaping @Sendable (Item) async throws -> Output
    ) async throws -> [Output] {
        try await withThrowingTaskGroup(of: (Int, Output).self) { group in
            var results = [Output?](repeating: nil, count: items.count)
            var next = 0
            func startNext() {
                guard next < items.count else { return }
                let index = next
                next += 1
                group.addTask { (index, try await body(items[index])) }
            }
            for _ in 0..<max(1, limit) { startNext() }
            while let (index, output) = try await group.next() {
                results[index] = output
                startNext()
            }
            return results.compactMap { $0 }
        }
    }

    public func incidents(from: Date, to: Date) async throws -> [HistoryEvent]? { nil }

    /// One `query_range` from `from` to `to` (Unix milliseconds) at the step.
    func fetch(_ promQL: String, from: Int64, to: Int64) async throws -> [PrometheusRange.Series] {
        let endpoint = base + "/api/v1/query_range"
        let query = TextEscaping.percentEncoded(promQL)
        let url = "\(endpoint)?query=\(query)&start=\(Self.seconds(from))&end=\(Self.seconds(to))&step=\(Self.seconds(step))"
        let response: HTTPResponse
        do {
            response = try await transport.send(HTTPRequest(method: "GET", url: url), tls: tls, timeout: Self.timeout)
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
