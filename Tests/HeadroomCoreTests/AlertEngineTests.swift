import Foundation
import HeadroomCore
import HeadroomTesting
import Testing

@Suite("AlertEngine lifecycle")
struct AlertEngineTests {
    @Test("every core is its own series")
    func perSeries() {
        let rule = AlertRule(name: "core_hot", selector: MetricSelector("cpu_core_used_percent"), condition: .above(90))
        var scenario = Scenario([rule])
        scenario.step(at: 0, [Sample("cpu_core_used_percent", ["cpu": "0"], 95), Sample("cpu_core_used_percent", ["cpu": "1"], 10)])
        scenario.step(at: 5, [Sample("cpu_core_used_percent", ["cpu": "0"], 95), Sample("cpu_core_used_percent", ["cpu": "1"], 99)])
        scenario.step(at: 10, [Sample("cpu_core_used_percent", ["cpu": "0"], 5), Sample("cpu_core_used_percent", ["cpu": "1"], 99)])
        let events = scenario.notifications.map { "\($0.kind.rawValue) cpu\($0.alert.labels["cpu"]!) @\(Int($0.time.timeIntervalSince(scenario.start)))" }
        #expect(events == ["firing cpu0 @0", "firing cpu1 @5", "resolved cpu0 @10"])
        #expect(scenario.engine.firingAlerts.map { $0.labels["cpu"] } == ["1"])
    }

    @Test("label matchers restrict the series")
    func matchers() {
        let rule = AlertRule(
            name: "not_core0", selector: MetricSelector("cpu_core_used_percent", [.init("cpu", .notEqual, "0")]),
            condition: .above(90))
        var scenario = Scenario([rule])
        scenario.step(at: 0, [Sample("cpu_core_used_percent", ["cpu": "0"], 95), Sample("cpu_core_used_percent", ["cpu": "1"], 95)])
        #expect(scenario.notifications.map { $0.alert.labels["cpu"] } == ["1"])
    }

    @Test("repeats every repeat_interval while firing, and only then")
    func repeats() {
        var scenario = Scenario([cpuOverload], policy: AlertPolicy(repeatInterval: .seconds(60)))
        scenario.feed("cpu_used_percent", Array(repeating: 99, count: 40), every: 5)
        // Fires at t=10 (3rd sample); repeats at 70 and 130, 190.
        #expect(scenario.log.map(\.time) == [10, 70, 130, 190])
        #expect(scenario.log.map(\.kind) == [.firing, .repeat, .repeat, .repeat])
        #expect(scenario.notifications[1].summary.hasSuffix("(still firing)"))
    }

    @Test("a critical inhibits the warning of its family; the warning speaks once the critical resolves")
    func inhibition() {
        var scenario = Scenario([gpuWarn, gpuCrit])
        // 96 % at once (critical), then 85 % (critical resolves, warning still firing → now notified), then 50 %.
        scenario.feed("gpu_memory_used_percent", [70, 96, 96, 96, 96, 85, 85, 50], every: 5)
        let events = scenario.log.map { "\($0.kind.rawValue):\($0.rule)@\(Int($0.time))" }
        #expect(
            events == [
                "firing:gpu_memory_critical@5",
                "resolved:gpu_memory_critical@25", "firing:gpu_memory_high@25",
                "resolved:gpu_memory_high@35",
            ])
    }

    @Test("a warning already delivered still gets its resolved while the critical fires")
    func warningThenCritical() {
        var scenario = Scenario([gpuWarn, gpuCrit])
        scenario.feed("gpu_memory_used_percent", [85, 85, 85, 96, 96, 40], every: 5)
        let events = scenario.log.map { "\($0.kind.rawValue):\($0.rule)@\(Int($0.time))" }
        #expect(
            events == [
                "firing:gpu_memory_high@10",
                "firing:gpu_memory_critical@15",
                "resolved:gpu_memory_high@25", "resolved:gpu_memory_critical@25",
            ])
    }

    @Test("inhibition can be switched off")
    func inhibitionOff() {
        var scenario = Scenario([gpuWarn, gpuCrit], policy: AlertPolicy(inhibit: false))
        scenario.feed("gpu_memory_used_percent", [96, 96, 96], every: 5)
        #expect(Set(scenario.log.map(\.rule)) == ["gpu_memory_high", "gpu_memory_critical"])
    }

    @Test("a flapping series is reported once as flapping, then once when it settles")
    func flapping() {
        let rule = AlertRule(name: "gpu_memory_high", selector: MetricSelector("gpu_memory_used_percent"), condition: .atLeast(80))
        var scenario = Scenario([rule], policy: AlertPolicy(flapWindow: .seconds(600), flapMaxChanges: 4))
        // Flip every sample for 5 minutes, then stay low for 11 minutes.
        var values: [Double] = []
        for index in 0..<60 { values.append(index % 2 == 0 ? 85 : 75) }
        values += Array(repeating: 50, count: 132)
        scenario.feed("gpu_memory_used_percent", values, every: 5)
        let kinds = scenario.log.map(\.kind)
        // 4 changes pass (fire, resolve, fire, resolve), the 5th becomes "flapping",
        // and one resolved closes it after a quiet window.
        #expect(kinds == [.firing, .resolved, .firing, .resolved, .flapping, .resolved])
        #expect(scenario.notifications[4].summary.contains("flapping"))
        let settled = scenario.log.last!.time
        #expect(settled >= 295 + 600)
    }

    @Test("a flapping pair keeps only the latest max_changes + 1 changes, and still settles a window after the last")
    func flapTimesBounded() throws {
        let rule = AlertRule(name: "hot", selector: MetricSelector("x_percent"), condition: .above(50))
        var scenario = Scenario([rule], policy: AlertPolicy(flapWindow: .seconds(600), flapMaxChanges: 4))
        // A change every 5 s for 10 minutes: 120 changes inside one window.
        let flips = (0..<120).map { $0 % 2 == 0 ? 60.0 : 40.0 }
        scenario.feed("x_percent", flips, every: 5)
        let state = scenario.engine.savedState(at: scenario.start.addingTimeInterval(600))
        let entry = try #require(state.entries.first { $0.rule == "hot" })
        #expect(entry.flapping)
        #expect(entry.flapTimes == (115..<120).map { scenario.start.addingTimeInterval(Double($0) * 5) })
        // Then quiet (below the threshold): it settles once the last change (595 s) has left the window.
        scenario.feed("x_percent", Array(repeating: 40, count: 130), every: 5, from: 600)
        #expect(scenario.log.map(\.kind) == [.firing, .resolved, .firing, .resolved, .flapping, .resolved])
        #expect(try #require(scenario.log.last).time == 1200)
    }

    @Test("a fire/resolve older than the flap window does not count, however long the alert fired in between")
    func flapWindowAfterLongFiring() {
        // The steady rounds of a firing alert skip its flap bookkeeping; the fire at t=0 must
        // still have left the window by the time the alert resolves at t=200.
        let rule = AlertRule(name: "hot", selector: MetricSelector("x_percent"), condition: .above(50))
        var scenario = Scenario([rule], policy: AlertPolicy(repeatInterval: .seconds(60), flapWindow: .seconds(60), flapMaxChanges: 2))
        var values = Array(repeating: 60.0, count: 40) // t = 0...195: fires at 0, repeats at 60, 120, 180
        values += [40, 60, 40, 40] // t = 200 resolved, 205 fired, 210 resolved
        scenario.feed("x_percent", values, every: 5)
        #expect(scenario.log.map(\.kind) == [.firing, .repeat, .repeat, .repeat, .resolved, .firing, .flapping])
        // Counted from 200 (resolved), 205 (fired), 210 (resolved): the third change in 60 s.
        #expect(scenario.log.map(\.time) == [0, 60, 120, 180, 200, 205, 210])
    }

    @Test("a flapping series that settles while firing reports firing")
    func flappingSettlesFiring() {
        let rule = AlertRule(name: "hot", selector: MetricSelector("x_percent"), condition: .above(50))
        var scenario = Scenario([rule], policy: AlertPolicy(flapWindow: .seconds(60), flapMaxChanges: 2))
        var values: [Double] = []
        for index in 0..<6 { values.append(index % 2 == 0 ? 60 : 40) }
        values += Array(repeating: 70, count: 20)
        scenario.feed("x_percent", values, every: 5)
        #expect(scenario.log.map(\.kind) == [.firing, .resolved, .flapping, .firing])
    }

    @Test("increases: fires when a counter goes up, not on the first reading or a reset")
    func increases() throws {
        let rule = AlertRule(
            name: "container_oom_kill", selector: MetricSelector("container_oom_kills_total"),
            condition: .increases, severity: .critical)
        var scenario = Scenario([rule])
        scenario.feed("container_oom_kills_total", [3, 3, 4, 4, 0, 0, 2], every: 5)
        let events = scenario.log.map { "\($0.kind.rawValue)@\(Int($0.time))" }
        #expect(events == ["firing@10", "resolved@15", "firing@30"])
        let first = try #require(scenario.notifications.first)
        #expect(first.alert.increase == 1)
        #expect(first.summary.contains("increased by 1 to 4"))
    }

    @Test("keep_firing_for keeps a counter alert open after the step")
    func increasesKeepFiring() {
        let rule = AlertRule(
            name: "oom", selector: MetricSelector("container_oom_kills_total"), condition: .increases,
            keepFiringFor: .seconds(60), severity: .critical)
        var scenario = Scenario([rule])
        scenario.feed("container_oom_kills_total", [0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], every: 5)
        #expect(scenario.log.map { "\($0.kind.rawValue)@\(Int($0.time))" } == ["firing@5", "resolved@65"])
    }

    @Test("a vanished series resolves after stale_after with the reason")
    func staleResolution() throws {
        var scenario = Scenario([cpuOverload], policy: AlertPolicy(staleAfter: .seconds(30)))
        scenario.feed("cpu_used_percent", [99, 99, 99], every: 5)
        for time in stride(from: 15.0, through: 60, by: 5) { scenario.step(at: time, []) }
        #expect(scenario.log.map(\.kind) == [.firing, .resolved])
        let resolved = try #require(scenario.notifications.last)
        #expect(resolved.alert.resolveReason == "no data for 30s")
        #expect(resolved.summary.contains("no data for 30s"))
    }

    @Test("a reload's stale_after reaches the alerts it keeps, not only the ones made after it")
    func reloadedStaleAfter() {
        var scenario = Scenario([cpuOverload], policy: AlertPolicy(staleAfter: .seconds(60)))
        scenario.feed("cpu_used_percent", [99, 99, 99], every: 5)
        #expect(scenario.engine.replaceRules([cpuOverload], policy: AlertPolicy(staleAfter: .seconds(10)), at: scenario.start.addingTimeInterval(12)).isEmpty)
        for time in stride(from: 15.0, through: 30, by: 5) { scenario.step(at: time, []) }
        #expect(scenario.log.map { "\($0.kind.rawValue)@\(Int($0.time))" } == ["firing@10", "resolved@20"])
    }

    @Test("reload keeps the state of unchanged rules and resolves removed ones; kept alerts read as the new rule")
    func reload() throws {
        let memory = AlertRule(name: "memory_high", selector: MetricSelector("memory_used_percent"), condition: .above(90))
        var scenario = Scenario([cpuOverload, memory])
        for time in stride(from: 0.0, through: 10, by: 5) {
            scenario.step(at: time, [Sample("cpu_used_percent", .none, 99), Sample("memory_used_percent", .none, 95)])
        }
        #expect(scenario.log.count == 2)
        // Reload: cpu_overload with a new threshold, severity and summary; memory_high gone.
        var changed = cpuOverload
        changed.condition = .above(95)
        changed.severity = .critical
        changed.summary = "CPU at {value}"
        let closing = scenario.engine.replaceRules([changed], policy: AlertPolicy(), at: scenario.start.addingTimeInterval(12))
        #expect(closing.map(\.kind) == [.resolved])
        #expect(closing.first?.alert.rule == "memory_high")
        #expect(closing.first?.alert.resolveReason == "rule removed by configuration reload")
        // cpu_overload is still firing: no second "firing" notification.
        scenario.step(at: 15, [Sample("cpu_used_percent", .none, 99)])
        #expect(scenario.log.count == 2)
        #expect(scenario.engine.firingAlerts.map(\.severity) == [.critical])
        scenario.step(at: 20, [Sample("cpu_used_percent", .none, 50)])
        let resolved = try #require(scenario.notifications.last)
        #expect(resolved.kind == .resolved)
        // The incident's own facts carry over; how it reads is the reloaded rule's.
        #expect(resolved.alert.since == scenario.start)
        #expect(resolved.alert.peak == 99)
        #expect(resolved.alert.threshold == 95)
        #expect(resolved.alert.severity == .critical)
        #expect(resolved.alert.summaryTemplate == "CPU at {value}")
    }
}

@Suite("Trend rule")
struct TrendRuleTests {
    static let leak = AlertRule(
        name: "gpu_memory_leak", selector: MetricSelector("gpu_memory_used_bytes"),
        condition: .trend(
            TrendCondition(
                capacity: .metric("gpu_memory_total_bytes"), window: .seconds(600),
                exhaustionWithin: .seconds(1800), minimumR2: 0.8)))

    static let mib = 1024.0 * 1024

    @Test("a steady climb fires with slope and ETA")
    func steadyClimb() throws {
        var scenario = Scenario([Self.leak])
        let total = 24 * 1024 * Self.mib
        // +412 MiB/min from 10 GiB: full in ~34 min at the start.
        var time = 0.0
        while time <= 900 {
            let used = 10 * 1024 * Self.mib + 412 * Self.mib * time / 60
            scenario.step(at: time, [Sample("gpu_memory_used_bytes", ["gpu": "0"], used), Sample("gpu_memory_total_bytes", ["gpu": "0"], total)])
            time += 5
        }
        let first = try #require(scenario.notifications.first)
        #expect(first.kind == .firing)
        let trend = try #require(first.alert.trend)
        #expect(abs(trend.slopePerSecond * 60 / Self.mib - 412) < 0.01)
        #expect(trend.secondsToExhaustion < 1800)
        #expect(trend.r2 > 0.99)
        #expect(first.summary.contains("+412.0 MiB/min"))
        #expect(first.summary.contains("full in ~"))
        // It needs half a window of data before predicting.
        #expect(first.time.timeIntervalSince(scenario.start) >= 300)
    }

    @Test("noise and a flat line never fire")
    func noise() {
        var scenario = Scenario([Self.leak])
        let total = 24 * 1024 * Self.mib
        var generator = SplitMix64(seed: 7)
        for step in 0..<240 {
            let used = 20 * 1024 * Self.mib + Double(generator.next() % 2048) * Self.mib
            scenario.step(at: Double(step) * 5, [Sample("gpu_memory_used_bytes", ["gpu": "0"], used), Sample("gpu_memory_total_bytes", ["gpu": "0"], total)])
        }
        #expect(scenario.notifications.isEmpty)
    }

    @Test("a slow climb that won't exhaust within the horizon is silent")
    func slowClimb() {
        var scenario = Scenario([Self.leak])
        let total = 24 * 1024 * Self.mib
        for step in 0..<240 {
            let used = 2 * 1024 * Self.mib + Double(step) * 5 * 1 * Self.mib / 60 // +1 MiB/min
            scenario.step(at: Double(step) * 5, [Sample("gpu_memory_used_bytes", ["gpu": "0"], used), Sample("gpu_memory_total_bytes", ["gpu": "0"], total)])
        }
        #expect(scenario.notifications.isEmpty)
    }

    @Test("least squares: exact line, R², flat series")
    func fit() throws {
        let line = try #require(TrendFit.fit(times: [0, 1, 2, 3], values: [1, 3, 5, 7]))
        #expect(line.slope == 2 && line.r2 == 1 && line.fittedLast == 7 && line.span == 3)
        #expect(line.secondsUntil(11) == 2)
        let flat = try #require(TrendFit.fit(times: [0, 1, 2], values: [5, 5, 5]))
        #expect(flat.slope == 0 && flat.r2 == 0 && flat.secondsUntil(10) == nil)
        #expect(TrendFit.fit(times: [1], values: [1]) == nil)
        #expect(TrendFit.fit(times: [2, 2], values: [1, 3]) == nil)
    }
}

@Suite("Alert engine series table")
struct AlertEngineSeriesTableTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("series of exited processes are forgotten after a while and their ids reused; alerting still works")
    func pruning() {
        let rule = AlertRule(name: "big", selector: MetricSelector("gpu_process_memory_used_bytes"), condition: .above(100), severity: .warning)
        var engine = AlertEngine(rules: [rule])
        // A new process every round (pid churn), each alive for one round, plus one steady series.
        let rounds = Int(AlertEngine.pruneAfterRounds) * 4
        var fired = 0
        for round in 0..<rounds {
            let samples = [
                Sample("gpu_process_memory_used_bytes", ["pid": String(round)], round % 50 == 0 ? 500 : 10),
                Sample("gpu_memory_used_percent", ["gpu": "0"], 50),
            ]
            fired += engine.evaluate(samples, at: Self.t0.addingTimeInterval(Double(round))).filter { $0.kind == .firing }.count
        }
        // Without pruning this would be rounds + 1 series.
        #expect(engine.trackedSeries <= Int(AlertEngine.pruneAfterRounds) * 2 + 1)
        // Every 50th process fired once (its state is kept until its vanished series resolves).
        #expect(fired == rounds / 50 + (rounds % 50 == 0 ? 0 : 1))
        // A series seen again after being pruned is a new series and alerts normally.
        let again = engine.evaluate([Sample("gpu_process_memory_used_bytes", ["pid": "0"], 500)], at: Self.t0.addingTimeInterval(Double(rounds)))
        #expect(again.map(\.kind) == [.firing])
    }

    @Test("each value goes to its own series whatever order the samples come in: same, swapped, one missing, one new between")
    func sampleOrder() {
        let rule = AlertRule(name: "hot", selector: MetricSelector("gpu_temperature_celsius"), condition: .above(80), severity: .critical)
        var engine = AlertEngine(rules: [rule])
        func gpu(_ index: String, _ value: Double) -> Sample { Sample("gpu_temperature_celsius", ["gpu": index], value) }
        func firing(_ samples: [Sample], _ second: Double) -> [String] {
            engine.evaluate(samples, at: Self.t0.addingTimeInterval(second)).filter { $0.kind == .firing }.compactMap { $0.alert.labels["gpu"] }
        }
        #expect(firing([gpu("0", 90), gpu("1", 20)], 0) == ["0"])
        // Swapped: gpu 1 now sits where gpu 0 was; gpu 0 is still hot and must not resolve.
        let swapped = engine.evaluate([gpu("1", 20), gpu("0", 90)], at: Self.t0.addingTimeInterval(1))
        #expect(swapped.isEmpty, "\(swapped.map(\.summary))")
        #expect(engine.evaluate([gpu("1", 20), gpu("0", 50)], at: Self.t0.addingTimeInterval(2)).map(\.kind) == [.resolved])
        // A new series first, the known ones after it; then one missing.
        #expect(firing([gpu("2", 95), gpu("1", 20), gpu("0", 50)], 3) == ["2"])
        #expect(firing([gpu("1", 99), gpu("0", 50)], 4) == ["1"])
        #expect(engine.trackedSeries == 3)
    }

    @Test(
        "a round in the latest round's layout takes its series by position: the same alerts as comparing every sample, through new series, reorders and pruned ids reused"
    )
    func layoutByIdentity() {
        let hot = AlertRule(name: "hot", selector: MetricSelector("gpu_temperature_celsius"), condition: .above(80), severity: .critical)
        let big = AlertRule(name: "big", selector: MetricSelector("gpu_process_memory_used_bytes"), condition: .above(100), severity: .warning)
        var compared = AlertEngine(rules: [hot, big])
        var byLayout = AlertEngine(rules: [hot, big])
        var layout: SeriesLayout?
        var layouts = 0
        var notifications = 0
        func gpu(_ index: String, _ value: Double) -> Sample { Sample("gpu_temperature_celsius", ["gpu": index], value) }
        func process(_ pid: String, _ value: Double) -> Sample { Sample("gpu_process_memory_used_bytes", ["pid": pid], value) }
        // A process that leaves (its id is pruned, then reused by the next new series), GPUs
        // that swap places and heat up and cool down while the layout holds for hundreds of rounds.
        let rounds = Int(AlertEngine.pruneAfterRounds) * 3
        for round in 0..<rounds {
            let heat = Double(round % 7 == 0 ? 90 : 30)
            var samples: [Sample]
            switch round {
            case 0..<10: samples = [gpu("0", heat), process("1", 500), gpu("1", 20)]
            case 10..<300: samples = [gpu("0", heat), gpu("1", 100 - heat)]
            case 300..<400: samples = [gpu("1", 100 - heat), gpu("0", heat)]
            default: samples = [gpu("1", 100 - heat), process("2", heat * 3), gpu("0", heat)]
            }
            let time = Self.t0.addingTimeInterval(Double(round))
            let next = SeriesLayout.of(samples, reusing: layout)
            if next !== layout { layouts += 1 }
            layout = next
            let expected = compared.evaluate(samples, at: time).map(\.summary)
            let got = byLayout.evaluate(samples, layout: next, at: time).map(\.summary)
            #expect(got == expected, "round \(round)")
            notifications += expected.count
        }
        #expect(layouts == 4)
        #expect(byLayout.firingAlerts.map { "\($0.rule)\($0.labels)" } == compared.firingAlerts.map { "\($0.rule)\($0.labels)" })
        #expect(byLayout.trackedSeries == compared.trackedSeries)
        // Heat every 7th round: alerts fire, resolve, then flap (each reported once).
        #expect(notifications > 10)
    }

    @Test("at max_series, a round in the same layout still refuses and counts the new series every round")
    func layoutAtTheCap() {
        let rule = AlertRule(name: "hot", selector: MetricSelector("gpu_temperature_celsius"), condition: .above(80), severity: .critical)
        var engine = AlertEngine(rules: [rule], policy: AlertPolicy(maxSeries: 2))
        let samples = ["0", "1", "2"].map { Sample("gpu_temperature_celsius", ["gpu": $0], 90) }
        let layout = SeriesLayout.of(samples, reusing: nil)
        for round in 0..<3 {
            let out = engine.evaluate(samples, layout: layout, at: Self.t0.addingTimeInterval(Double(round)))
            #expect(engine.lastRoundRefusedSamples == 1)
            if round == 0 { #expect(out.compactMap { $0.alert.labels["gpu"] }.sorted() == ["0", "1"]) }
        }
        #expect(engine.refusedSamplesTotal == 3)
        #expect(engine.trackedSeries == 2)
    }

    @Test("a series that still holds alert state is not pruned while it may come back (stale_after)")
    func keepsState() {
        let rule = AlertRule(name: "oom", selector: MetricSelector("container_oom_kills_total"), condition: .increases, severity: .critical)
        var engine = AlertEngine(rules: [rule])
        _ = engine.evaluate([Sample("container_oom_kills_total", ["cgroup": "/a"], 1, kind: .counter)], at: Self.t0)
        // 512 rounds, 0.5 s apart: 256 s without the series, inside the 300 s stale_after.
        for round in 1...Int(AlertEngine.pruneAfterRounds) * 2 {
            _ = engine.evaluate([Sample("cpu_used_percent", .none, 1)], at: Self.t0.addingTimeInterval(Double(round) / 2))
        }
        // The counter's previous value is state an `increases` rule needs: kept.
        let out = engine.evaluate([Sample("container_oom_kills_total", ["cgroup": "/a"], 2, kind: .counter)], at: Self.t0.addingTimeInterval(290))
        #expect(out.map(\.kind) == [.firing])
    }

    @Test("counter baselines and trend windows of series gone past their bound are released: churning PIDs do not grow the engine")
    func releasesVanishedState() {
        let leak = AlertRule(
            name: "process_leak", selector: MetricSelector("gpu_process_memory_used_bytes"),
            condition: .trend(TrendCondition(capacity: .fixed(1e12), window: .seconds(60))))
        let oom = AlertRule(name: "oom", selector: MetricSelector("container_oom_kills_total"), condition: .increases, severity: .critical)
        var engine = AlertEngine(rules: [leak, oom], policy: AlertPolicy(staleAfter: .seconds(30)))
        // A new process and a new container every round, 1 s apart, for 2,000 rounds.
        for round in 0..<2000 {
            let samples = [
                Sample("gpu_process_memory_used_bytes", ["pid": String(round)], 1000),
                Sample("container_oom_kills_total", ["cgroup": "/c\(round)"], 0, kind: .counter),
            ]
            _ = engine.evaluate(samples, at: Self.t0.addingTimeInterval(Double(round)))
        }
        // Two churning names, each holding at most what two prune horizons (256 rounds each)
        // leave between passes: about 1,000, not the 4,000 a table that never lets go holds.
        #expect(engine.trackedSeries <= 2 * 2 * Int(AlertEngine.pruneAfterRounds))
        let state = engine.savedState(at: Self.t0.addingTimeInterval(2000))
        #expect(state.entries.filter { $0.rule == "process_leak" }.count <= 62)
        #expect(state.entries.filter { $0.rule == "oom" }.count <= 32)
    }
}
