import Foundation
import HeadroomCore
import HeadroomServer
import Testing

/// A working `HistoryEndpoint` over fixed series, without a store.
struct InMemoryHistory: HistoryEndpoint {
    var series: [SeriesKey: [(time: Int64, value: Double)]]
    var recorded: [HistoryEvent] = []

    func seriesKeys() async throws -> [SeriesKey] { Array(series.keys) }

    func samples(of key: SeriesKey, from: Int64, to: Int64) async throws -> [(time: Int64, value: Double)] {
        (series[key] ?? []).filter { $0.time >= from && $0.time <= to }
    }

    func events(from: Date, to: Date, limit: Int) async throws -> [HistoryEvent] {
        Array(recorded.filter { $0.time >= from && $0.time <= to }.suffix(limit))
    }
}

/// A state reader with nothing sampled yet (the history routes never read it).
private struct EmptyState: StateReader {
    func read() async -> ServerState {
        ServerState(
            samples: [], collectors: [], sampleTime: nil, firingAlerts: [], rules: [], hostname: "test", interval: .seconds(15),
            startedAt: Date(timeIntervalSince1970: 0), now: Date(timeIntervalSince1970: 0))
    }
}

@Suite("History API over HTTP")
struct HistoryAPITests {
    static let gpu0 = SeriesKey("gpu_memory_used_bytes", Labels(["gpu": "0"]))
    static let gpu1 = SeriesKey("gpu_memory_used_bytes", Labels(["gpu": "1"]))
    static let cpu = SeriesKey("cpu_used_percent")
    static let history = InMemoryHistory(series: [
        gpu0: [(1_000_000, 1_073_741_824), (1_015_000, 1_610_612_736.5), (1_030_000, 2e21)],
        gpu1: [(1_000_000, 5)],
        cpu: [(1_015_500, .nan), (1_030_000, 12.25)],
    ])

    /// Runs `body` against a server on a free loopback port with `history`.
    func served(_ history: any HistoryEndpoint = history, _ body: (ServedServer) async throws -> Void) async throws {
        let settings = ServerSettings(listen: ListenAddress(host: "127.0.0.1", port: 0))
        let server = try await ServedServer(HTTPServer(settings: settings, state: EmptyState(), history: history))
        do {
            try await body(server)
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    @Test("query_range answers a matrix of the exposed names, with Go-formatted values")
    func queryRange() async throws {
        try await served { server in
            let answer = try await server.request("/api/v1/query_range?query=gpu_memory_used_bytes&start=1000&end=1030&step=15s")
            #expect(answer.status == 200)
            #expect(answer.headers["content-type"] == "application/json; charset=utf-8")
            #expect(
                answer.body
                    == #"{"status":"success","data":{"resultType":"matrix","result":["#
                    + #"{"metric":{"__name__":"headroom_gpu_memory_used_bytes","gpu":"0"},"values":[[1000,"1073741824"],[1015,"1610612736.5"],[1030,"2000000000000000000000"]]},"#
                    + #"{"metric":{"__name__":"headroom_gpu_memory_used_bytes","gpu":"1"},"values":[[1000,"5"],[1015,"5"],[1030,"5"]]}]}}"#)
        }
    }

    @Test("POST takes a form body, as Grafana sends it; the prefixed name selects the same series")
    func post() async throws {
        try await served { server in
            let answer = try await server.request(
                "/api/v1/query_range", method: "POST", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                body: "query=headroom_cpu_used_percent&start=1015.5&end=1030.25&step=7.25")
            #expect(
                answer.body
                    == #"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"headroom_cpu_used_percent"},"values":[[1015.5,"NaN"],[1022.75,"NaN"],[1030,"12.25"]]}]}}"#
            )
        }
    }

    @Test("query answers a vector at time, and a scalar for 1+1")
    func instant() async throws {
        try await served { server in
            let vector = try await server.request("/api/v1/query?query=%7B__name__%3D~%22headroom_gpu_.*%22%2Cgpu%3D%220%22%7D&time=1020.5")
            #expect(
                vector.body
                    == #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"headroom_gpu_memory_used_bytes","gpu":"0"},"value":[1020.5,"1610612736.5"]}]}}"#
            )
            let scalar = try await server.request("/api/v1/query?query=1%2B1&time=1435781451.781")
            #expect(scalar.body == #"{"status":"success","data":{"resultType":"scalar","result":[1435781451.781,"2"]}}"#)
            let posted = try await server.request(
                "/api/v1/query", method: "POST", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: "query=1%2B1&time=5")
            #expect(posted.body == #"{"status":"success","data":{"resultType":"scalar","result":[5,"2"]}}"#)
        }
    }

    @Test("series, labels and label values list what the selectors pick")
    func metadata() async throws {
        try await served { server in
            let series = try await server.request("/api/v1/series?match%5B%5D=headroom_cpu_used_percent&match%5B%5D=gpu_memory_used_bytes%7Bgpu%3D%221%22%7D")
            #expect(
                series.body
                    == #"{"status":"success","data":[{"__name__":"headroom_cpu_used_percent"},{"__name__":"headroom_gpu_memory_used_bytes","gpu":"1"}]}"#)
            let labels = try await server.request("/api/v1/labels")
            #expect(labels.body == #"{"status":"success","data":["__name__","gpu"]}"#)
            let names = try await server.request("/api/v1/label/__name__/values")
            #expect(names.body == #"{"status":"success","data":["headroom_cpu_used_percent","headroom_gpu_memory_used_bytes"]}"#)
            let gpus = try await server.request("/api/v1/label/gpu/values?start=1001&end=2000")
            #expect(gpus.body == #"{"status":"success","data":["0"]}"#)
            let none = try await server.request("/api/v1/series")
            #expect(none.status == 400)
            #expect(none.body == #"{"status":"error","errorType":"bad_data","error":"no match[] parameter provided"}"#)
        }
    }

    @Test("anything beyond a selector is Prometheus's bad_data error, HTTP 400")
    func errors() async throws {
        try await served { server in
            let rate = try await server.request("/api/v1/query?query=rate(gpu_memory_used_bytes%5B5m%5D)")
            #expect(rate.status == 400)
            #expect(
                rate.body
                    == #"{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": functions such as rate() are not supported: Headroom's history API evaluates metric selectors only, such as headroom_gpu_memory_used_bytes{gpu=\"0\"}"}"#
            )
            let limit = try await server.request("/api/v1/query_range?query=cpu_used_percent&start=0&end=11001&step=1")
            #expect(limit.status == 400)
            #expect(
                limit.body.contains(#""error":"exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)""#))
            let start = try await server.request("/api/v1/query_range?query=cpu_used_percent&end=1&step=1")
            #expect(start.body == #"{"status":"error","errorType":"bad_data","error":"invalid parameter \"start\": cannot parse \"\" to a valid timestamp"}"#)
        }
    }

    @Test("buildinfo answers for Grafana's probe")
    func buildInfo() async throws {
        try await served { server in
            let answer = try await server.request("/api/v1/status/buildinfo")
            #expect(answer.status == 200)
            #expect(answer.body.hasPrefix(#"{"status":"success","data":{"version":""#))
        }
    }

    @Test("the OpenAPI document lists the history endpoints and stays valid JSON")
    func openAPI() async throws {
        try await served { server in
            let answer = try await server.request("/api/v1/openapi.json")
            let spec = try #require(try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any])
            let paths = try #require(spec["paths"] as? [String: Any])
            for path in ["/api/v1/query_range", "/api/v1/query", "/api/v1/series", "/api/v1/labels", "/api/v1/label/{name}/values", "/api/v1/status/buildinfo"]
            {
                #expect(paths.keys.contains(path), "\(path)")
            }
        }
    }

    @Test("without history every history route answers 503 with how to switch it on")
    func disabled() async throws {
        try await served(NoHistory()) { server in
            let expected =
                #"{"status":"error","errorType":"unavailable","error":"history is disabled; set history.enabled (HEADROOM_HISTORY_ENABLED) to true"}"#
            for path in [
                "/api/v1/query?query=1%2B1", "/api/v1/query_range?query=m", "/api/v1/series?match%5B%5D=m", "/api/v1/labels", "/api/v1/label/gpu/values",
            ] {
                let answer = try await server.request(path)
                #expect(answer.status == 503, "\(path)")
                #expect(answer.body == expected, "\(path)")
            }
        }
    }

    @Test("alerts/history answers the events of a range as headroom history's JSON; bad ranges are 400, no history 503")
    func alertHistory() async throws {
        let at = { (seconds: Double) in Date(timeIntervalSince1970: 1_800_000_000 + seconds) }
        var history = Self.history
        history.recorded = [
            HistoryEvent(time: at(0), category: .alert, kind: "pending", rule: "gpu_memory_high", severity: .warning, labels: ["gpu": "0"]),
            HistoryEvent(time: at(10), category: .alert, kind: "firing", rule: "gpu_memory_high", severity: .warning, labels: ["gpu": "0"]),
            .incident(.cudaOutOfMemory, at: at(20), labels: ["command": "python run.py"], detail: "CUDA out of memory"),
        ]
        try await served(history) { server in
            let all = try await server.request("/api/v1/alerts/history?from=1800000000&to=2027-01-15T08:01:00Z")
            #expect(all.status == 200)
            #expect(all.body == HistoryEventJSON.encode(history.recorded))
            let incidents = try await server.request("/api/v1/alerts/history?from=1800000005&to=1800000100&category=incident")
            #expect(incidents.body == HistoryEventJSON.encode([history.recorded[2]]))
            let limited = try await server.request("/api/v1/alerts/history?from=1800000000&to=1800000100&limit=1")
            #expect(limited.body == HistoryEventJSON.encode([history.recorded[2]]), "the newest when there are more")
            for bad in ["from=yesterday", "to=soon", "limit=0", "category=metric"] {
                let answer = try await server.request("/api/v1/alerts/history?\(bad)")
                #expect(answer.status == 400, "\(bad)")
                #expect(answer.body.hasPrefix(#"{"error":"#), "\(bad)")
            }
        }
        try await served(NoHistory()) { server in
            let answer = try await server.request("/api/v1/alerts/history")
            #expect(answer.status == 503)
            #expect(answer.body.contains("history.enabled"))
        }
    }
}
