import Foundation
import HeadroomCore
import Testing

/// Drives the engine with one metric value per step, as the sampling loop would.
struct Scenario {
    var engine: AlertEngine
    var start = Date(timeIntervalSince1970: 1_800_000_000)
    var log: [(time: Double, kind: AlertNotification.Kind, rule: String)] = []
    var notifications: [AlertNotification] = []

    init(_ rules: [AlertRule], policy: AlertPolicy = AlertPolicy()) {
        engine = AlertEngine(rules: rules, policy: policy)
    }

    /// Feeds `values` of `metric` every `interval` seconds starting at `from`.
    mutating func feed(_ metric: String, _ values: [Double], every interval: Double, from: Double = 0, labels: Labels = .none) {
        for (index, value) in values.enumerated() {
            let time = from + Double(index) * interval
            step(at: time, [Sample(metric, labels, value)])
        }
    }

    mutating func step(at time: Double, _ samples: [Sample]) {
        let result = engine.evaluate(samples, at: start.addingTimeInterval(time))
        for notification in result {
            log.append((time, notification.kind, notification.alert.rule))
        }
        notifications += result
    }
}

let gpuWarn = AlertRule(
    name: "gpu_memory_high", selector: MetricSelector("gpu_memory_used_percent"), condition: .atLeast(80),
    hold: .duration(.seconds(10)), severity: .warning, family: "gpu_memory")
let gpuCrit = AlertRule(
    name: "gpu_memory_critical", selector: MetricSelector("gpu_memory_used_percent"), condition: .atLeast(95),
    severity: .critical, family: "gpu_memory")
let cpuOverload = AlertRule(
    name: "cpu_overload", selector: MetricSelector("cpu_used_percent"), condition: .above(90),
    hold: .consecutiveSamples(3), severity: .warning)

@Suite("Seed scenarios")
struct SeedScenarioTests {
    @Test("an 85% spike lasting 6 s never warns", arguments: [1.0, 2.0, 5.0])
    func shortSpikeIsSilent(interval: Double) {
        var scenario = Scenario([gpuWarn, gpuCrit])
        // 70 % until t=20, 85 % for 6 s, then 70 % again.
        var time = 0.0
        while time <= 60 {
            let value = (time >= 20 && time < 26) ? 85.0 : 70.0
            scenario.step(at: time, [Sample("gpu_memory_used_percent", ["gpu": "0"], value)])
            time += interval
        }
        #expect(scenario.notifications.isEmpty)
    }

    @Test("85% held 10 s warns at the first sample at or after 10 s", arguments: [1.0, 2.0, 3.0, 5.0])
    func heldWarns(interval: Double) throws {
        var scenario = Scenario([gpuWarn, gpuCrit])
        scenario.feed("gpu_memory_used_percent", [70, 70], every: interval)
        let breachStart = 2 * interval
        var time = breachStart
        while time <= breachStart + 30 {
            scenario.step(at: time, [Sample("gpu_memory_used_percent", ["gpu": "0"], 85)])
            time += interval
        }
        let first = try #require(scenario.log.first)
        #expect(first.kind == .firing)
        #expect(first.rule == "gpu_memory_high")
        // The first sample at or after 10 s of holding.
        let expected = breachStart + (10 / interval).rounded(.up) * interval
        #expect(first.time == expected)
        #expect(scenario.log.count == 1)
    }

    @Test("96% goes critical on its first sample")
    func criticalAtOnce() throws {
        var scenario = Scenario([gpuWarn, gpuCrit])
        scenario.feed("gpu_memory_used_percent", [70, 96, 96, 96, 96], every: 5)
        let first = try #require(scenario.log.first)
        #expect(first.kind == .firing && first.rule == "gpu_memory_critical" && first.time == 5)
        // The warning's hold is met at t=15 but the critical inhibits it.
        #expect(scenario.log.count == 1)
    }

    @Test("back to 50% resolves with the peak and the duration in the message")
    func resolvesWithPeak() throws {
        var scenario = Scenario([gpuWarn, gpuCrit])
        scenario.feed("gpu_memory_used_percent", [70, 85, 88, 91, 93, 50], every: 5)
        let kinds = scenario.log.map(\.kind)
        #expect(kinds == [.firing, .resolved])
        let resolved = try #require(scenario.notifications.last)
        #expect(resolved.alert.value == 50)
        #expect(resolved.alert.peak == 93)
        #expect(resolved.duration == 20)
        #expect(resolved.summary.contains("peak 93.0%"))
        #expect(resolved.summary.contains("lasted 20s"))
        #expect(resolved.summary.contains("50.0%"))
    }

    @Test("two samples above 90% then one below never warns")
    func twoOfThreeIsSilent() {
        var scenario = Scenario([cpuOverload])
        scenario.feed("cpu_used_percent", [50, 95, 97, 80, 95, 99, 70, 40], every: 5)
        #expect(scenario.notifications.isEmpty)
    }

    @Test("three samples above 90% warn on the third")
    func threeInARowWarns() throws {
        var scenario = Scenario([cpuOverload])
        scenario.feed("cpu_used_percent", [50, 95, 97, 91, 92], every: 5)
        #expect(scenario.log.map(\.time) == [15])
        #expect(scenario.log.first?.kind == .firing)
    }

    /// 81 / 79 alternating: an immediate hold fires on the first 81, and `within 2 of 3` on
    /// the second; neither resolves until 50 (79 is above `clear: 75`). A 10 s hold and two
    /// consecutive samples are broken by every 79 and never fire.
    @Test(
        "±1% oscillation for 10 minutes with a clear threshold: one firing and one resolved, or nothing",
        arguments: [
            (HoldPolicy.immediately, [0.0, 600]), (.duration(.seconds(10)), []), (.consecutiveSamples(2), []),
            (.within(samples: 2, of: 3), [10, 600]),
        ])
    func oscillationWithClear(hold: HoldPolicy, times: [Double]) {
        let rule = AlertRule(
            name: "gpu_memory_high", selector: MetricSelector("gpu_memory_used_percent"), condition: .atLeast(80),
            hold: hold, clear: 75, severity: .warning)
        var scenario = Scenario([rule])
        var values: [Double] = []
        for index in 0..<120 { values.append(index % 2 == 0 ? 81 : 79) }
        values.append(50)
        scenario.feed("gpu_memory_used_percent", values, every: 5)
        #expect(scenario.log.map(\.time) == times)
        #expect(scenario.log.map(\.kind) == (times.isEmpty ? [] : [.firing, .resolved]))
    }
}
