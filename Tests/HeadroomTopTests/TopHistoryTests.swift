import HeadroomCore
import HeadroomTop
import Testing

@Suite("Sparkline points")
struct TopHistoryTests {
    @Test("records the sparkline metrics per GPU, once per round, and forgets points older than the span kept")
    func ring() {
        var history = TopHistory()
        let samples = [
            TopFixtures.gpu("0", "L4", "gpu_utilization_percent", 50),
            TopFixtures.gpu("0", "L4", "gpu_utilization_percent", 99, [("mig", "1g")]),
            TopFixtures.gpu("0", "L4", "gpu_temperature_celsius", 60),
            Sample("cpu_used_percent", .none, 10),
        ]
        history.record(samples, at: 100, keep: 60)
        history.record(samples, at: 100, keep: 60)
        history.record(samples, at: 150, keep: 60)
        #expect(history.points(.init("gpu_utilization_percent", gpu: "0")) == [TimedValue(time: 100, value: 50), TimedValue(time: 150, value: 50)])
        #expect(history.points(.init("gpu_temperature_celsius", gpu: "0")).isEmpty)
        history.record(samples, at: 200, keep: 60)
        #expect(history.points(.init("cpu_used_percent")).map(\.time) == [150, 200])
    }

    @Test("the ring holds at most its capacity, the oldest going first")
    func capacity() {
        var history = TopHistory()
        for step in 0..<(TopHistory.capacity + 5) {
            history.record([Sample("cpu_used_percent", .none, Double(step))], at: Double(step), keep: 1e9)
        }
        let points = history.points(.init("cpu_used_percent"))
        #expect(points.count == TopHistory.capacity)
        #expect(points.first?.value == 5)
    }

    @Test("a query_range answer replaces that metric's series and leaves the others")
    func replace() {
        var history = TopHistory()
        history.record([TopFixtures.gpu("0", "L4", "gpu_memory_used_bytes", 1), Sample("cpu_used_percent", .none, 10)], at: 1, keep: 100)
        history.replace(
            metric: "gpu_memory_used_bytes",
            with: [PrometheusRange.Series(name: "", labels: Labels([("gpu", "1")]), points: [(time: 0, value: 5)])])
        #expect(history.points(.init("gpu_memory_used_bytes", gpu: "0")).isEmpty)
        #expect(history.points(.init("gpu_memory_used_bytes", gpu: "1")) == [TimedValue(time: 0, value: 5)])
        #expect(history.points(.init("cpu_used_percent")).count == 1)
    }
}

extension TopHistoryTests {
    @Test("the daemon's history is extended with the ring's newer points only")
    func extended() {
        let daemon = TopHistory(series: [.init("cpu_used_percent"): [TimedValue(time: 10, value: 1), TimedValue(time: 20, value: 2)]])
        var ring = TopHistory()
        for time in [15.0, 20, 25, 30] { ring.record([Sample("cpu_used_percent", .none, time)], at: time, keep: 100) }
        ring.record([Sample("memory_used_percent", .none, 5)], at: 30, keep: 100)
        let merged = daemon.extended(with: ring)
        #expect(merged.points(.init("cpu_used_percent")).map(\.time) == [10, 20, 25, 30])
        #expect(merged.points(.init("memory_used_percent")) == [TimedValue(time: 30, value: 5)])
    }
}
