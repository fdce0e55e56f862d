import Foundation
@testable import HeadroomCore
import Testing

/// How many points a trend keeps per series: bounded by its window, not by the interval.
@Suite("Trend window")
struct TrendWindowTests {
    static func filled(every interval: Double, for seconds: Double, window: Double) -> TrendWindow {
        var points = TrendWindow()
        for index in 0...Int(seconds / interval) {
            let time = Double(index) * interval
            points.append(time: time, value: 2 * time, window: window)
        }
        return points
    }

    @Test("at 100 ms a 10-minute window holds about 550 points, not 6,000, spread over the whole window and ending with the latest")
    func fastInterval() throws {
        let points = Self.filled(every: 0.1, for: 700, window: 600)
        let spacing = 600 / TrendWindow.pointsPerWindow
        #expect(points.count <= 2 * Int(TrendWindow.pointsPerWindow) + 2)
        #expect(points.count >= Int(TrendWindow.pointsPerWindow))
        #expect(points.times.last == 700)
        #expect(points.values.last == 1400)
        #expect(zip(points.times, points.times.dropFirst(2)).allSatisfy { $1 - $0 >= spacing })
        // The oldest point is inside the window, less than a spacing past its start.
        let oldest = try #require(points.times.first)
        #expect(oldest >= 100 && oldest < 100 + spacing)
        #expect(abs(try #require(points.fit).slope - 2) < 1e-9)
    }

    @Test("from 1 s on, every sample of a 10-minute window is kept")
    func secondInterval() {
        let points = Self.filled(every: 1, for: 700, window: 600)
        #expect(points.times == (100...700).map(Double.init))
    }

    /// A climb of 100,000 a second from 100 M toward a fixed capacity of 300 M: under
    /// `exhaustion_within` (30 m) from the start, so it fires once half the window has data.
    static let rule = AlertRule(
        name: "leak", selector: MetricSelector("used_bytes"),
        condition: .trend(TrendCondition(capacity: .fixed(300e6), window: .seconds(600), exhaustionWithin: .seconds(1800))))

    @Test("a trend rule at 100 ms keeps its series' window bounded and fires as it would at any interval")
    func ruleAtFastInterval() throws {
        var scenario = Scenario([Self.rule])
        for index in 0...7000 {
            let time = Double(index) * 0.1
            scenario.step(at: time, [Sample("used_bytes", .none, 100e6 + 100_000 * time)])
        }
        let slot = try #require(scenario.engine.slots.entries(rule: 0).first?.slot)
        #expect(slot.trendWindow.count <= 2 * Int(TrendWindow.pointsPerWindow) + 2)
        let firing = try #require(scenario.notifications.first)
        #expect(firing.kind == .firing)
        #expect(abs(try #require(firing.alert.trend).slopePerSecond - 100_000) < 0.01)
        #expect(abs(firing.time.timeIntervalSince(scenario.start) - 300) < 0.5)
    }

    @Test("GPU process growth at 100 ms reads the same growth through its thinned window")
    func processGrowthAtFastInterval() {
        var growth = GrowthAnnotator()
        let mib = 1024.0 * 1024
        let gpu: [(String, String)] = [("gpu", "0"), ("uuid", "GPU-a")]
        var out: [Sample] = []
        // +120 MiB/min for 6 minutes (the growth window is 5), every 100 ms.
        for index in 0...3600 {
            let time = Double(index) * 0.1
            out = growth.annotate(
                [
                    Sample("gpu_memory_used_percent", Labels(gpu), 80),
                    Sample("gpu_process_memory_used_bytes", Labels(gpu + [("pid", "4242"), ("command", "python")]), 1024 * mib + 2 * mib * time),
                ], at: Date(timeIntervalSince1970: 1_800_000_000 + time))
        }
        #expect(out.first?.detail == "pid 4242 python holds 1.7 GiB, +120.0 MiB/min")
    }
}
