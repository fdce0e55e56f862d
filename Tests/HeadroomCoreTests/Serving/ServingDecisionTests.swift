import Foundation
import HeadroomCore
import Testing

@Suite("Readiness, liveness, listen address")
struct ServingDecisionTests {
    static func alert(_ rule: String) -> Alert {
        Alert(
            rule: rule, severity: .critical, family: rule, metric: "m", labels: ["gpu": "0"], condition: .above(1),
            value: 2, peak: 2, since: Date(timeIntervalSince1970: 0))
    }
    static let rules = [
        AlertRule(name: "gpu_memory_critical", selector: MetricSelector("gpu_memory_used_percent"), condition: .atLeast(95), gate: true),
        AlertRule(name: "gpu_memory_high", selector: MetricSelector("gpu_memory_used_percent"), condition: .atLeast(80)),
    ]

    @Test("ready unless an alert of a gate: true rule fires")
    func readiness() {
        #expect(Readiness.evaluate(firing: [], rules: Self.rules).isReady)
        #expect(Readiness.evaluate(firing: [Self.alert("gpu_memory_high")], rules: Self.rules).isReady)
        let closed = Readiness.evaluate(firing: [Self.alert("gpu_memory_high"), Self.alert("gpu_memory_critical")], rules: Self.rules)
        #expect(!closed.isReady)
        #expect(closed.blocking.map(\.rule) == ["gpu_memory_critical"])
        // The reason names the GPU by its index; its model and UUID stay in the alert's labels.
        var described = Self.alert("gpu_memory_critical")
        described.labels = described.labels.adding("uuid", "GPU-1").adding("name", "NVIDIA L4").adding("pci_bus_id", "00000000:01:00.0")
        let reason = Readiness.evaluate(firing: [described], rules: Self.rules).reason
        #expect(reason == #"gating alert firing: gpu_memory_critical{gpu="0"}"#)
    }

    @Test("alive while the latest round is at most three intervals (at least 10 s) old")
    func liveness() {
        let start = Date(timeIntervalSince1970: 1000)
        #expect(Liveness.evaluate(lastSample: nil, startedAt: start, now: start.addingTimeInterval(9), interval: .seconds(1)).isAlive)
        #expect(!Liveness.evaluate(lastSample: nil, startedAt: start, now: start.addingTimeInterval(11), interval: .seconds(1)).isAlive)
        let fresh = Liveness.evaluate(lastSample: start, startedAt: start, now: start.addingTimeInterval(14), interval: .seconds(5))
        #expect(fresh.isAlive && fresh.lastSampleAgeSeconds == 14 && fresh.limitSeconds == 15)
        #expect(!Liveness.evaluate(lastSample: start, startedAt: start, now: start.addingTimeInterval(16), interval: .seconds(5)).isAlive)
    }

    @Test(
        "listen addresses",
        arguments: [
            ("127.0.0.1:19400", "127.0.0.1", 19400, true),
            (":9000", "0.0.0.0", 9000, false),
            ("[::1]:80", "::1", 80, true),
            ("localhost:0", "localhost", 0, true),
            ("10.0.0.5:19400", "10.0.0.5", 19400, false),
        ])
    func listen(text: String, host: String, port: Int, loopback: Bool) throws {
        let address = try #require(ListenAddress.parse(text))
        #expect(address.host == host && address.port == port && address.isLoopback == loopback)
    }

    @Test("bad listen addresses are refused", arguments: ["19400", "host:99999", "a b:1", "::1:80", "host:x"])
    func badListen(text: String) {
        #expect(ListenAddress.parse(text) == nil)
    }

    @Test("a non-loopback listen needs a token or insecure: true")
    func exposure() {
        let open = ListenAddress(host: "0.0.0.0", port: 19400)
        #expect(ServerSettings(listen: open).exposureProblem?.contains("server.token") == true)
        #expect(ServerSettings(listen: open, token: Secret(String(repeating: "x", count: 16))).exposureProblem == nil)
        #expect(ServerSettings(listen: open, token: .file("/run/secrets/t")).exposureProblem == nil)
        #expect(ServerSettings(listen: open, insecure: true).exposureProblem == nil)
        #expect(ServerSettings().exposureProblem == nil)
        #expect(ServerSettings(enabled: false, listen: open).exposureProblem == nil)
    }
}
