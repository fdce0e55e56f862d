import Foundation
import HeadroomCore
import HeadroomTop
import Testing

@Suite("Reading the daemon's JSON")
struct TopDecodingTests {
    @Test("/api/v1/status: samples with labels, collectors, and keys this version does not know ignored")
    func status() throws {
        let body = """
            {"collectors":[{"collector":"nvml","duration_seconds":0.01,"ok":true},{"collector":"pressure","duration_seconds":0,"ok":false,"reason":"no PSI"}],
             "firing_alerts":2,"hostname":"gpu-node-1","interval_seconds":5,"ready":true,"started_at":"2026-12-04T10:00:00Z",
             "rules":[{"name":"x"},
                      {"name":"gpu_memory_critical","metric":"gpu_memory_used_percent","matchers":[{"label":"gpu","op":"=~","value":"0|1"}],"condition":"≥","threshold":95,"clear":null,"severity":"critical","gate":true},
                      {"name":"oom","metric":"container_oom_kills_total","matchers":[],"condition":"increased","threshold":null,"severity":"critical"}],
             "uptime_seconds":11520.5,"ready":false,"ready_reason":"gpu_memory_critical is firing","time":"2026-12-04T19:27:05Z",
             "samples":[{"kind":"gauge","labels":{"gpu":"0","name":"NVIDIA L4"},"name":"gpu_memory_used_bytes","value":20401094656},
                        {"kind":"counter","labels":{},"name":"container_oom_kills_total","value":3},
                        {"kind":"gauge","labels":{},"name":"cpu_used_percent","value":null},
                        {"kind":"gauge","labels":{},"value":1}]}
            """
        let status = try TopStatus.decode(Array(body.utf8))
        #expect(status.hostname == "gpu-node-1")
        #expect(status.intervalSeconds == 5)
        #expect(status.firingAlerts == 2)
        #expect(status.time == RFC3339.parse("2026-12-04T19:27:05Z"))
        #expect(status.collectors.map(\.ok) == [true, false])
        #expect(status.collectors[1].reason == "no PSI")
        #expect(status.samples.count == 2, "a null value and a sample without a name are skipped")
        #expect(status.samples[0] == Sample("gpu_memory_used_bytes", Labels([("gpu", "0"), ("name", "NVIDIA L4")]), 20_401_094_656))
        #expect(status.samples[1].kind == .counter)
        let rule = try #require(status.rules?.first)
        #expect(status.rules?.count == 1, "the unreadable and the increases rule are left out")
        #expect(rule.condition == .atLeast(95) && rule.severity == .critical)
        #expect(rule.selector.matches(SeriesKey("gpu_memory_used_percent", Labels([("gpu", "1")]))))
        #expect(!rule.selector.matches(SeriesKey("gpu_memory_used_percent", Labels([("gpu", "2")]))))
        #expect(status.uptimeSeconds == 11520.5)
        #expect(status.ready == false && status.readyReason == "gpu_memory_critical is firing")
        #expect(try TopStatus.decode(Array(#"{"samples":[]}"#.utf8)).rules == nil, "an older daemon lists no rules")
    }

    @Test("a body that is not the status says which endpoint and what to check")
    func notStatus() {
        #expect(throws: TopDecodingError.self) { try TopStatus.decode(Array("<html>".utf8)) }
        let error = #expect(throws: TopDecodingError.self) { try TopStatus.decode(Array("{}".utf8)) }
        #expect(error?.description == #"/api/v1/status: the answer has no "samples" array (is the URL a Headroom daemon of the same version? check --url)"#)
    }

    @Test("/api/v1/alerts: rule, severity, labels, value, threshold and since")
    func alerts() throws {
        let body = """
            [{"state":"firing","severity":"critical","rule":"gpu_memory_critical","metric":"gpu_memory_used_percent","labels":{"gpu":"0"},
              "value":97.5,"threshold":95,"since":"2026-12-04T19:20:01.000Z","peak":98,"fingerprint":"0123456789abcdef","fired_at":null,
              "gate":true,"detail":null},
             {"rule":"odd","severity":"loud","value":null},
             {"rule":"gpu_memory_leak","severity":"warning","metric":"gpu_memory_used_bytes","value":1.5e10,"threshold":null,
              "trend":{"slope_per_second":1e6,"seconds_to_exhaustion":540,"capacity":2.5e10,"r2":0.99}}]
            """
        let alerts = try TopAlert.decode(Array(body.utf8))
        #expect(alerts.count == 3)
        #expect(alerts[2].secondsToExhaustion == 540)
        #expect(alerts[0].secondsToExhaustion == nil)
        #expect(alerts[0].severity == .critical)
        #expect(alerts[0].labels["gpu"] == "0")
        #expect(alerts[0].value == 97.5)
        #expect(alerts[0].threshold == 95)
        #expect(alerts[0].since == RFC3339.parse("2026-12-04T19:20:01Z"))
        #expect(alerts[1].severity == .warning, "an unknown severity reads as warning")
        #expect(alerts[1].value == nil)
    }

    @Test("query_range: the matrix's series by labels without __name__, in seconds; a point that is no finite number is a gap")
    func matrix() throws {
        let body = """
            {"status":"success","data":{"resultType":"matrix","result":[
              {"metric":{"__name__":"headroom_gpu_memory_used_bytes","gpu":"1"},"values":[[1800000000,"1024"],[1800000005.5,"2048"],[1800000010,"NaN"]]}]}}
            """
        var history = TopHistory()
        history.replace(metric: "gpu_memory_used_bytes", with: try PrometheusRange.parse(Array(body.utf8)))
        #expect(
            history.points(TopHistory.Key("gpu_memory_used_bytes", gpu: "1"))
                == [TimedValue(time: 1_800_000_000, value: 1024), TimedValue(time: 1_800_000_005.5, value: 2048)])
    }

    @Test("query_range refused (history off): the daemon's error text, as the screen shows it")
    func refused() {
        let body = #"{"status":"error","errorType":"unavailable","error":"the history is disabled (history.enabled: false)"}"#
        let failure = #expect(throws: PrometheusRange.Failure.self) { try PrometheusRange.parse(Array(body.utf8)) }
        #expect(failure?.serverError == "the history is disabled (history.enabled: false)")
    }
}
