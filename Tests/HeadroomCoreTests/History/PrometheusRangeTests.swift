import HeadroomCore
import Testing

@Suite("Prometheus range data as replay rounds")
struct PrometheusRangeTests {
    @Test("windows: on the step grid, at most an hour and never more than 11,000 points")
    func windows() {
        let hour = PrometheusRange.windows(from: 0, to: 7_200_000, step: 1000)
        #expect(hour.map(\.start) == [0, 3_600_000, 7_200_000])
        #expect(hour.map(\.end) == [3_599_000, 7_199_000, 7_200_000])
        let long = PrometheusRange.windows(from: 500, to: 100_000_000, step: 7_200_000)
        #expect(long.allSatisfy { ($0.end - $0.start) / 7_200_000 + 1 <= 11_000 && ($0.start - 500) % 7_200_000 == 0 })
        #expect(long.last?.end ?? 0 <= 100_000_000 && long.count == 14)
        #expect(PrometheusRange.step(.milliseconds(100)) == 1000 && PrometheusRange.step(.seconds(5)) == 5000)
    }

    @Test("queries: rules' metrics, trend capacities and incident counters under headroom_, and dcgm-exporter's names")
    func queries() {
        let rules = [
            AlertRule(name: "high", selector: MetricSelector("gpu_memory_used_percent"), condition: .atLeast(80)),
            AlertRule(
                name: "leak", selector: MetricSelector("gpu_memory_used_bytes"),
                condition: .trend(TrendCondition(capacity: .metric("gpu_memory_total_bytes")))),
        ]
        let queries = PrometheusRange.queries(for: rules)
        let own = Set(queries.filter { !$0.isDCGM }.map(\.promQL))
        #expect(own.isSuperset(of: ["headroom_gpu_memory_used_percent", "headroom_gpu_memory_total_bytes", "headroom_child_crashes_total"]))
        #expect(Set(queries.filter(\.isDCGM).map(\.promQL)).isSuperset(of: ["DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_FB_FREE"]))
    }

    @Test("an error answer gives Prometheus' error text")
    func errorAnswer() {
        let body = #"{"status":"error","errorType":"bad_data","error":"exceeded maximum resolution of 11,000 points per timeseries"}"#
        let failure = #expect(throws: PrometheusRange.Failure.self) { try PrometheusRange.parse(Array(body.utf8)) }
        #expect(failure?.message == "status error: bad_data: exceeded maximum resolution of 11,000 points per timeseries")
        #expect(throws: PrometheusRange.Failure.self) { try PrometheusRange.parse(Array("404 page not found".utf8)) }
    }

    /// A `query_range` answer with `series` as (labels with `__name__`, [(time, value)]).
    static func answer(_ series: [([String: String], [(Double, Double)])]) throws -> [PrometheusRange.Series] {
        let result = series.map { labels, points in
            let metric = labels.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ",")
            let values = points.map { "[\($0.0),\"\($0.1)\"]" }.joined(separator: ",")
            return "{\"metric\":{\(metric)},\"values\":[\(values)]}"
        }
        let body = #"{"status":"success","data":{"resultType":"matrix","result":["# + result.joined(separator: ",") + "]}}"
        return try PrometheusRange.parse(Array(body.utf8))
    }

    @Test("rounds by step time: target labels kept, dcgm-exporter's series only for metrics without headroom_ ones")
    func rounds() throws {
        let body = #"""
            {"status":"success","data":{"resultType":"matrix","result":[
             {"metric":{"__name__":"headroom_child_crashes_total","instance":"127.0.0.1:9","job":"headroom","command":"sh"},
              "values":[[100,"0"],[101.5,"1"]]},
             {"metric":{"__name__":"headroom_gpu_memory_used_bytes","job":"headroom","gpu":"0"},"values":[[100,"1048576"]]}]}}
            """#
        let dcgm = #"""
            {"status":"success","data":{"resultType":"matrix","result":[
             {"metric":{"__name__":"DCGM_FI_DEV_FB_USED","gpu":"0","UUID":"GPU-1","Hostname":"h"},"values":[[100,"2"],[101.5,"3"]]}]}}
            """#
        let rounds = PrometheusRange.rounds(headroom: try PrometheusRange.parse(Array(body.utf8)), dcgm: try PrometheusRange.parse(Array(dcgm.utf8)))
        #expect(rounds.map(\.time) == [100_000, 101_500])
        #expect(rounds[0].samples.contains(Sample("child_crashes_total", ["command": "sh", "instance": "127.0.0.1:9", "job": "headroom"], 0)))
        #expect(
            rounds[0].samples.filter { $0.name == "gpu_memory_used_bytes" } == [Sample("gpu_memory_used_bytes", ["gpu": "0", "job": "headroom"], 1_048_576)])
        #expect(
            rounds[1].samples.filter { $0.name == "gpu_memory_used_bytes" } == [
                Sample("gpu_memory_used_bytes", ["gpu": "0", "uuid": "GPU-1", "vendor": "nvidia"], 3_145_728)
            ])
    }

    @Test("two daemons' gpu=\"0\" stay two series in every round, each naming its instance")
    func twoHosts() throws {
        let headroom = try Self.answer([
            (["__name__": "headroom_gpu_memory_used_percent", "gpu": "0", "instance": "gpu-a:19400", "job": "headroom"], [(100, 50), (101, 60)]),
            (["__name__": "headroom_gpu_memory_used_percent", "gpu": "0", "instance": "gpu-b:19400", "job": "headroom"], [(100, 90), (101, 95)]),
            // One target scraped by two jobs: kept apart by `job`.
            (["__name__": "headroom_gpu_memory_used_percent", "gpu": "0", "instance": "gpu-b:19400", "job": "federate"], [(100, 90)]),
        ])
        let rounds = PrometheusRange.rounds(headroom: headroom, dcgm: [])
        #expect(rounds.map(\.time) == [100_000, 101_000])
        #expect(
            rounds[1].samples == [
                Sample("gpu_memory_used_percent", ["gpu": "0", "instance": "gpu-a:19400", "job": "headroom"], 60),
                Sample("gpu_memory_used_percent", ["gpu": "0", "instance": "gpu-b:19400", "job": "headroom"], 95),
            ])
        for round in rounds { #expect(Set(round.samples.map(\.key)).count == round.samples.count, "\(round.samples)") }
        #expect(rounds[0].samples.count == 3)
    }

    @Test("dcgm-exporter's series per host: used where that host has no headroom_ series, never beside them")
    func dcgmPerHost() throws {
        let headroom = try Self.answer([
            // gpu-a: Headroom and dcgm-exporter relabelled to one instance.
            (["__name__": "headroom_gpu_memory_used_bytes", "gpu": "0", "uuid": "GPU-A", "instance": "gpu-a", "job": "headroom"], [(100, 1)]),
            // gpu-c: both on one machine, scraped on two ports: the same GPU by its UUID.
            (["__name__": "headroom_gpu_memory_used_bytes", "gpu": "0", "uuid": "GPU-C", "instance": "gpu-c:19400", "job": "headroom"], [(100, 3)]),
        ])
        func fb(_ name: String, _ uuid: String, _ instance: String, _ mebibytes: Double) -> ([String: String], [(Double, Double)]) {
            (["__name__": name, "gpu": "0", "UUID": uuid, "Hostname": instance, "instance": instance, "job": "dcgm"], [(100, mebibytes)])
        }
        let dcgm = try Self.answer([
            fb("DCGM_FI_DEV_FB_USED", "GPU-A", "gpu-a", 10), fb("DCGM_FI_DEV_FB_FREE", "GPU-A", "gpu-a", 10),
            fb("DCGM_FI_DEV_FB_USED", "GPU-C", "gpu-c:9400", 30), fb("DCGM_FI_DEV_FB_FREE", "GPU-C", "gpu-c:9400", 10),
            // gpu-b and gpu-d have dcgm-exporter only, both on gpu="0".
            fb("DCGM_FI_DEV_FB_USED", "GPU-B", "gpu-b:9400", 20), fb("DCGM_FI_DEV_FB_FREE", "GPU-B", "gpu-b:9400", 60),
            fb("DCGM_FI_DEV_FB_USED", "GPU-D", "gpu-d:9400", 40), fb("DCGM_FI_DEV_FB_FREE", "GPU-D", "gpu-d:9400", 40),
        ])
        let samples = try #require(PrometheusRange.rounds(headroom: headroom, dcgm: dcgm).first).samples
        let mebibyte = 1_048_576.0
        let used = samples.filter { $0.name == "gpu_memory_used_bytes" }.map { ($0.labels["instance"] ?? "", $0.value) }
        #expect(used.map(\.0) == ["gpu-a", "gpu-c:19400", "gpu-b:9400", "gpu-d:9400"])
        #expect(used.map(\.1) == [1, 3, 20 * mebibyte, 40 * mebibyte])
        let percent = samples.filter { $0.name == "gpu_memory_used_percent" }
        // gpu-a and gpu-c have no headroom_gpu_memory_used_percent in this round: theirs are derived.
        #expect(percent.map { "\($0.labels["instance"] ?? "") \($0.value)" } == ["gpu-a 50.0", "gpu-c:9400 75.0", "gpu-b:9400 25.0", "gpu-d:9400 50.0"])
        let mappedB = try #require(samples.first { $0.name == "gpu_memory_used_bytes" && $0.labels["uuid"] == "GPU-B" })
        #expect(mappedB.labels == ["gpu": "0", "instance": "gpu-b:9400", "job": "dcgm", "uuid": "GPU-B", "vendor": "nvidia"])
        #expect(Set(samples.map(\.key)).count == samples.count)
    }
}
