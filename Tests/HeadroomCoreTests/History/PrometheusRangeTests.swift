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

    @Test("rounds by step time: target labels dropped, dcgm-exporter's series only for metrics without headroom_ ones")
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
        #expect(rounds[0].samples.contains(Sample("child_crashes_total", ["command": "sh"], 0)))
        #expect(rounds[0].samples.filter { $0.name == "gpu_memory_used_bytes" } == [Sample("gpu_memory_used_bytes", ["gpu": "0"], 1_048_576)])
        #expect(
            rounds[1].samples.filter { $0.name == "gpu_memory_used_bytes" } == [
                Sample("gpu_memory_used_bytes", ["gpu": "0", "uuid": "GPU-1", "vendor": "nvidia"], 3_145_728)
            ])
    }
}
