import Foundation
@testable import HeadroomCore
import Testing

/// How many points a trend rule keeps per series: bounded by its window, not by the interval.
@Suite("Trend window size")
struct TrendWindowTests {
    /// A climb of 100,000 a second from 100 M toward a fixed capacity of 300 M: 2,000 s to
    /// full at the start, under `exhaustion_within` (30 m) from t = 300 s on, once half the
    /// window has data.
    static let rule = AlertRule(
        name: "leak", selector: MetricSelector("used_bytes"),
        condition: .trend(TrendCondition(capacity: .fixed(300e6), window: .seconds(600), exhaustionWithin: .seconds(1800))))

    static func climb(every interval: Double, for seconds: Double) -> (Scenario, points: [Double]) {
        var scenario = Scenario([rule])
        let rounds = Int(seconds / interval)
        for index in 0...rounds {
            let time = Double(index) * interval
            scenario.step(at: time, [Sample("used_bytes", .none, 100e6 + 100_000 * time)])
        }
        let slots = scenario.engine.slots.entries(rule: 0)
        return (scenario, slots.first?.slot.trendTimes ?? [])
    }

    @Test("at 100 ms a 10-minute window holds about a thousand points, not 6,000, and predicts the same")
    func fastInterval() throws {
        let (scenario, points) = Self.climb(every: 0.1, for: 700)
        let window = 600.0
        let spacing = window / AlertSlot.trendPointsPerWindow
        #expect(points.count <= 2 * Int(AlertSlot.trendPointsPerWindow) + 2)
        #expect(points.count >= Int(AlertSlot.trendPointsPerWindow))
        // The newest point is the latest sample; any two points with one between them are a spacing apart.
        #expect(points.last == scenario.start.addingTimeInterval(700).timeIntervalSinceReferenceDate)
        #expect(zip(points, points.dropFirst(2)).allSatisfy { $1 - $0 >= spacing - 1e-6 })
        // The window still spans it: the oldest point is less than a spacing past its start.
        #expect(try #require(points.first) - scenario.start.addingTimeInterval(100).timeIntervalSinceReferenceDate < spacing)
        let firing = try #require(scenario.notifications.first)
        #expect(firing.kind == .firing)
        let trend = try #require(firing.alert.trend)
        #expect(abs(trend.slopePerSecond - 100_000) < 0.01)
        // Fires once half a window has data, at 300 s, as at any interval.
        #expect(abs(firing.time.timeIntervalSince(scenario.start) - 300) < 0.5)
    }

    @Test("at 1 s every sample of the window is kept")
    func secondInterval() throws {
        let (scenario, points) = Self.climb(every: 1, for: 700)
        #expect(points == (100...700).map { scenario.start.addingTimeInterval(Double($0)).timeIntervalSinceReferenceDate })
        #expect(scenario.notifications.first?.kind == .firing)
    }
}
