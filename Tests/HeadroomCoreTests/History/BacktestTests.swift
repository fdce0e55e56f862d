import Foundation
import HeadroomCore
import Testing

@Suite("Backtest")
struct BacktestTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let gpu: Labels = ["gpu": "0"]
    static let rules = [
        AlertRule(
            name: "gpu_memory_high", selector: MetricSelector("gpu_memory_used_percent"), condition: .atLeast(80),
            hold: .duration(.seconds(10)), clear: 75, severity: .warning, family: "gpu_memory"),
        AlertRule(
            name: "gpu_memory_critical", selector: MetricSelector("gpu_memory_used_percent"), condition: .atLeast(95),
            severity: .critical, family: "gpu_memory"),
    ]

    /// A source of rounds in memory: GPU memory percentages 5 s apart, and a crash counter.
    struct Rounds: ReplaySource {
        var percents: [Double]
        var crashAt: Int?
        var recorded: [HistoryEvent]?

        func rounds(from: Date, to: Date, _ round: (Date, [Sample]) throws -> Void) async throws {
            for (index, percent) in percents.enumerated() {
                let time = BacktestTests.start.addingTimeInterval(Double(index) * 5)
                guard time >= from, time <= to else { continue }
                let crashes: Double = crashAt.map { index >= $0 ? 1 : 0 } ?? 0
                try round(
                    time,
                    [
                        Sample("gpu_memory_used_percent", BacktestTests.gpu, percent),
                        Sample("child_crashes_total", ["command": "serve"], crashes, kind: .counter),
                    ])
            }
        }

        func incidents(from: Date, to: Date) async throws -> [HistoryEvent]? { recorded }
    }

    static let ramp: [Double] = [50, 60, 70, 82, 85, 88, 91, 96, 97, 40, 40]

    @Test("a ramp before a crash: each rule's lead is from its latest firing before the incident; counts and time firing")
    func ramp() async throws {
        let source = Rounds(percents: Self.ramp, crashAt: 9)
        let end = Self.start.addingTimeInterval(50)
        let report = try #require(try await Backtest.run([(Self.rules, AlertPolicy())], source: source, from: Self.start, to: end).first)
        // ≥ 80 from 15 s, held 10 s: fires at 25 s; ≥ 95 at 35 s; the crash is seen at 45 s.
        #expect(report.incidents.map(\.incident.kind) == ["child_crashed"])
        #expect(report.incidents.first?.incident.time == Self.start.addingTimeInterval(45))
        #expect(report.incidents.first?.warnedBy.map(\.rule) == ["gpu_memory_high", "gpu_memory_critical"])
        #expect(report.incidents.first?.warnedBy.map(\.leadSeconds) == [20, 10])
        #expect(report.missed.isEmpty)
        let high = try #require(report.rules.first)
        #expect(high.notifications[.firing] == 1 && high.notifications[.resolved] == 1)
        #expect(high.firingSeconds == 20)
        #expect(report.rules[1].firingSeconds == 10)
    }

    /// Two hosts replayed from Prometheus: `a` climbs to critical, `b` stays low and crashes.
    struct TwoHosts: ReplaySource {
        func rounds(from: Date, to: Date, _ round: (Date, [Sample]) throws -> Void) async throws {
            for index in 0..<12 {
                let time = BacktestTests.start.addingTimeInterval(Double(index) * 5)
                try round(
                    time,
                    [
                        Sample("gpu_memory_used_percent", ["gpu": "0", "instance": "a:9090"], index >= 3 ? 97 : 50),
                        Sample("gpu_memory_used_percent", ["gpu": "0", "instance": "b:9090"], index >= 6 ? 96 : 50),
                        Sample("child_crashes_total", ["command": "serve", "instance": "b:9090"], index >= 10 ? 1 : 0, kind: .counter),
                        Sample("child_crashes_total", ["command": "serve", "instance": "c:9090"], index >= 10 ? 1 : 0, kind: .counter),
                    ])
            }
        }

        func incidents(from: Date, to: Date) async throws -> [HistoryEvent]? { nil }
    }

    @Test("a fleet: an alert warns only of its own host's incidents, by the instance label")
    func hostsApart() async throws {
        let end = Self.start.addingTimeInterval(60)
        let report = try #require(try await Backtest.run([(Self.rules, AlertPolicy())], source: TwoHosts(), from: Self.start, to: end).first)
        let byHost = Dictionary(uniqueKeysWithValues: report.incidents.map { ($0.incident.labels["instance"] ?? "", $0) })
        // b's own critical alert fired at 30 s, its crash is seen at 50 s: 20 s, not a's 35 s.
        #expect(byHost["b:9090"]?.warnedBy.map(\.rule) == ["gpu_memory_critical"])
        #expect(byHost["b:9090"]?.warnedBy.map(\.leadSeconds) == [20])
        // c had no alert: a's and b's alerts are no warning of it.
        #expect(byHost["c:9090"]?.warnedBy.isEmpty == true)
        #expect(report.missed.map { $0.incident.labels["instance"] } == ["c:9090"])
    }

    @Test("the same history replays to the same report, every time")
    func deterministic() async throws {
        var generator = SystemRandomNumberGenerator()
        let percents = (0..<500).map { _ in Double.random(in: 60...100, using: &generator).rounded() }
        let source = Rounds(percents: percents, crashAt: 400)
        let end = Self.start.addingTimeInterval(2500)
        let first = try await Backtest.run([(Self.rules, AlertPolicy())], source: source, from: Self.start, to: end)
        let second = try await Backtest.run([(Self.rules, AlertPolicy())], source: source, from: Self.start, to: end)
        #expect(first == second)
    }

    @Test("a crash with no warning before it is missed; a firing in the crash's own round or outside the window is no warning")
    func missed() async throws {
        let quiet = Rounds(percents: [50, 50, 50, 50], crashAt: 3)
        let end = Self.start.addingTimeInterval(20)
        let report = try #require(try await Backtest.run([(Self.rules, AlertPolicy())], source: quiet, from: Self.start, to: end).first)
        #expect(report.missed.count == 1)
        // Critical fires in the very round the crash is seen: it reports the crash, it does not warn of it.
        let sameRound = Rounds(percents: [50, 50, 50, 99], crashAt: 3)
        let late = try #require(try await Backtest.run([(Self.rules, AlertPolicy())], source: sameRound, from: Self.start, to: end).first)
        #expect(late.missed.count == 1)
        // A warning 20 s before, with a 15 s window: too early to count.
        let early = Rounds(percents: [99, 50, 50, 50, 50], crashAt: 4)
        let windowed = try await Backtest.run(
            [(Self.rules, AlertPolicy())], source: early, from: Self.start, to: end.addingTimeInterval(5), window: .seconds(15))
        #expect(windowed.first?.missed.count == 1)
    }

    @Test("recorded incidents are used when the source has them; a second configuration replays in the same pass")
    func recordedAndAgainst() async throws {
        let oom = HistoryEvent.incident(.cudaOutOfMemory, at: Self.start.addingTimeInterval(32), labels: .none, detail: "CUDA out of memory")
        let source = Rounds(percents: Self.ramp, crashAt: nil, recorded: [oom])
        var stricter = Self.rules
        stricter[0].condition = .atLeast(60)
        stricter[0].clear = 55
        let reports = try await Backtest.run(
            [(Self.rules, AlertPolicy()), (stricter, AlertPolicy())], source: source, from: Self.start, to: Self.start.addingTimeInterval(50))
        #expect(reports.map { $0.incidents.map(\.incident) } == [[oom], [oom]])
        #expect(reports[0].incidents[0].warnedBy.first?.leadSeconds == 7)
        // ≥ 60 from 5 s, held 10 s: fires at 15 s, 17 s before the incident.
        #expect(reports[1].incidents[0].warnedBy.first?.leadSeconds == 17)
        let json = BacktestJSON.encode(reports[0], against: ("stricter.yaml", reports[1]))
        #expect(
            json.hasPrefix(
                #"{"from":"2027-01-15T08:00:00.000Z","to":"2027-01-15T08:00:50.000Z","rules":[{"rule":"gpu_memory_high","severity":"warning","notifications":{"firing":1,"resolved":1,"flapping":0,"repeat":0},"firing_seconds":20}"#
            ))
        #expect(
            json.contains(
                #""incidents":[{"kind":"cuda_oom","at":"2027-01-15T08:00:32.000Z","labels":{},"detail":"CUDA out of memory","warned_by":[{"rule":"gpu_memory_high","severity":"warning","lead_seconds":7}]}]"#
            ))
        #expect(json.contains(#""against":{"config":"stricter.yaml","rules":["#))
    }
}
