import Foundation
import HeadroomCore
import HeadroomDaemon
import HeadroomNotify
import Testing

/// A Prometheus API answering each `query_range` with one series named by its query (empty
/// for dcgm-exporter's names) at the range's start. It holds requests until `hold` of them
/// are waiting, then answers the newest first (all that wait once `total` have come), so the
/// answers come back out of query order; it records the most requests inside `send` at once.
private actor FakePrometheus {
    let hold: Int
    let total: Int
    let failing: String?
    private(set) var inside = 0
    private(set) var mostInside = 0
    private(set) var arrived = 0
    private(set) var answered: [String] = []
    private(set) var tls: [TLSSettings] = []
    private var held: [CheckedContinuation<Void, Never>] = []

    init(hold: Int, total: Int, failing: String? = nil) {
        self.hold = hold
        self.total = total
        self.failing = failing
    }

    func answer(_ url: String, tls: TLSSettings) async -> HTTPResponse {
        let items = URLComponents(string: url)?.queryItems ?? []
        let query = items.first { $0.name == "query" }?.value ?? ""
        let start = items.first { $0.name == "start" }?.value ?? "0"
        self.tls.append(tls)
        arrived += 1
        inside += 1
        mostInside = max(mostInside, inside)
        await withCheckedContinuation { continuation in
            held.append(continuation)
            if arrived == total {
                for waiting in held.reversed() { waiting.resume() }
                held = []
            } else if held.count >= hold {
                held.removeLast().resume()
            }
        }
        inside -= 1
        answered.append(query)
        if query == failing {
            return HTTPResponse(status: 422, body: Array(#"{"status":"error","errorType":"bad_data","error":"parse error"}"#.utf8))
        }
        let result = query.hasPrefix("headroom_") ? #"{"metric":{"__name__":"\#(query)"},"values":[[\#(start),"1"]]}"# : ""
        return HTTPResponse(status: 200, body: Array(#"{"status":"success","data":{"resultType":"matrix","result":[\#(result)]}}"#.utf8))
    }
}

private struct FakePrometheusTransport: HTTPTransport {
    let server: FakePrometheus
    func send(_ request: HTTPRequest, tls: TLSSettings, timeout: Duration) async throws(DeliveryError) -> HTTPResponse {
        await server.answer(request.url, tls: tls)
    }
}

@Suite("Prometheus replay source")
struct PrometheusReplaySourceTests {
    static let rules = [
        AlertRule(name: "high", selector: MetricSelector("gpu_memory_used_percent"), condition: .atLeast(80)),
        AlertRule(name: "hot", selector: MetricSelector("gpu_temperature_celsius"), condition: .atLeast(85)),
    ]
    static let at = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("a window's queries: four in flight at once, answered out of order, merged in query order", .timeLimit(.minutes(1)))
    func boundedAndOrdered() async throws {
        let queries = PrometheusRange.queries(for: Self.rules)
        #expect(queries.count > 2 * PrometheusReplaySource.concurrentRequests)
        let server = FakePrometheus(hold: PrometheusReplaySource.concurrentRequests, total: queries.count)
        let tls = TLSSettings(caFile: "ca.pem", clientCertificateFile: "me.pem", clientKeyFile: "me.key")
        let source = try PrometheusReplaySource(
            url: "https://prometheus:9090/", interval: .seconds(5), rules: Self.rules, tls: tls, transport: FakePrometheusTransport(server: server))
        var rounds: [(Date, [Sample])] = []
        try await source.rounds(from: Self.at, to: Self.at) { rounds.append(($0, $1)) }

        #expect(await server.mostInside == PrometheusReplaySource.concurrentRequests)
        let answered = await server.answered
        #expect(answered.count == queries.count && answered != queries.map(\.promQL))
        #expect(await server.tls == Array(repeating: tls, count: queries.count))
        #expect(rounds.map(\.0) == [Self.at])
        let expected = queries.filter { !$0.isDCGM }.map { String($0.promQL.dropFirst("headroom_".count)) }
        #expect(rounds.first?.1.map(\.name) == expected)
    }

    @Test("a query's error answer fails the replay, naming the endpoint and the query")
    func errorAnswer() async throws {
        let queries = PrometheusRange.queries(for: Self.rules)
        let server = FakePrometheus(hold: 1, total: queries.count, failing: "headroom_gpu_memory_used_percent")
        let source = try PrometheusReplaySource(
            url: "http://prometheus:9090", interval: .seconds(5), rules: Self.rules, transport: FakePrometheusTransport(server: server))
        let failure = await #expect(throws: PrometheusReplaySource.Failure.self) {
            try await source.rounds(from: Self.at, to: Self.at) { _, _ in }
        }
        #expect(failure?.url == "http://prometheus:9090/api/v1/query_range")
        #expect(failure?.message == "HTTP 422, status error: bad_data: parse error (query headroom_gpu_memory_used_percent)")
    }
}
