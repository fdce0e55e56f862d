import HeadroomCore
import Testing

@testable import HeadroomServer

@Suite("Prometheus values and timestamps")
struct PrometheusValueTests {
    @Test(
        "values print as Go's FormatFloat(v, 'f', -1, 64)",
        arguments: [
            (1.0, "1"), (1.5, "1.5"), (-3.0, "-3"), (0.0, "0"), (-0.0, "-0"), (0.00001, "0.00001"), (1.5e-7, "0.00000015"),
            (0.1 + 0.2, "0.30000000000000004"), (123_456_789.123, "123456789.123"), (1e21, "1000000000000000000000"),
            (-2.5e20, "-250000000000000000000"), (1e16, "10000000000000000"), (42_949_672_960.0, "42949672960"),
            (Double.infinity, "+Inf"), (-Double.infinity, "-Inf"), (Double.nan, "NaN"),
        ])
    func value(value: Double, expected: String) {
        #expect(PrometheusValue.format(value) == expected)
    }

    @Test(
        "timestamps are seconds with at most three decimals, exact from milliseconds",
        arguments: [
            (Int64(1_435_781_430_781), "1435781430.781"), (1000, "1"), (1500, "1.5"), (1010, "1.01"), (1001, "1.001"), (0, "0"),
            (-1500, "-1.5"), (1_435_781_430_000, "1435781430"),
        ])
    func timestamp(milliseconds: Int64, expected: String) {
        #expect(PrometheusValue.timestamp(milliseconds) == expected)
    }

    @Test("bodies have Prometheus's shapes")
    func bodies() {
        let labels = HistorySelection.exposedLabels(.init("gpu_memory_used_bytes", .init(["gpu": "0"])))
        #expect(
            PrometheusJSON.success(PrometheusJSON.matrix([(labels, [(1000, 1), (16000, 2.5)])]))
                == #"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"headroom_gpu_memory_used_bytes","gpu":"0"},"values":[[1,"1"],[16,"2.5"]]}]}}"#
        )
        #expect(
            PrometheusJSON.vector([(labels, (1_435_781_451_781, .nan))])
                == #"{"resultType":"vector","result":[{"metric":{"__name__":"headroom_gpu_memory_used_bytes","gpu":"0"},"value":[1435781451.781,"NaN"]}]}"#
        )
        #expect(PrometheusJSON.scalar(time: 1_435_781_451_781, value: 2) == #"{"resultType":"scalar","result":[1435781451.781,"2"]}"#)
        #expect(
            PrometheusJSON.error(.badData("say \"no\"")) == #"{"status":"error","errorType":"bad_data","error":"say \"no\""}"#)
        #expect(PrometheusJSON.strings(["a", "b\"c"]) == #"["a","b\"c"]"#)
    }
}
