import Foundation
import HeadroomCore
import Testing

/// A restart in the middle of an incident: the state the first engine saves, taken up by a
/// second engine, through JSON as the daemon does.
@Suite("AlertEngine saved state")
struct AlertEngineSavedStateTests {
    static let gpu: Labels = ["gpu": "0"]

    /// The first engine's state, written to JSON and read back.
    static func roundTrip(_ state: AlertEngineState) throws -> AlertEngineState {
        try JSONDecoder().decode(AlertEngineState.self, from: JSONEncoder().encode(state))
    }

    /// A second scenario (a restarted daemon) that took up `first`'s state at `time`.
    static func restarted(
        _ first: Scenario, savedAt: Double, restoredAt: Double, rules: [AlertRule]? = nil,
        policy: AlertPolicy = AlertPolicy()
    ) throws -> (Scenario, [AlertNotification]) {
        let saved = try roundTrip(first.engine.savedState(at: first.start.addingTimeInterval(savedAt)))
        var second = Scenario(rules ?? first.engine.rules, policy: policy)
        let told = second.engine.restore(saved, at: second.start.addingTimeInterval(restoredAt))
        return (second, told)
    }

    @Test("a delivered firing continues: nothing is sent again while it holds, and the resolved carries the whole incident")
    func firingContinues() throws {
        var first = Scenario([gpuCrit])
        first.step(at: 0, [Sample("gpu_memory_used_percent", Self.gpu, 96)])
        first.step(at: 5, [Sample("gpu_memory_used_percent", Self.gpu, 99)])
        #expect(first.log.map(\.kind) == [.firing])

        var (second, told) = try Self.restarted(first, savedAt: 6, restoredAt: 8)
        #expect(told.isEmpty)
        #expect(second.engine.firingAlerts.map(\.rule) == ["gpu_memory_critical"])
        second.step(at: 10, [Sample("gpu_memory_used_percent", Self.gpu, 97)])
        second.step(at: 15, [Sample("gpu_memory_used_percent", Self.gpu, 97)])
        #expect(second.notifications.isEmpty)
        second.step(at: 20, [Sample("gpu_memory_used_percent", Self.gpu, 50)])
        let resolved = try #require(second.notifications.first)
        #expect(second.notifications.count == 1)
        #expect(resolved.kind == .resolved)
        #expect(resolved.alert.peak == 99)
        #expect(resolved.alert.since == first.start)
        #expect(resolved.summary.contains("lasted 20s"))
    }

    @Test("the delivered firings, what a re-sending channel takes up after a restart: firing ones only, the same after the restore, none once resolved")
    func deliveredFirings() throws {
        var first = Scenario([gpuCrit, gpuWarn])
        first.step(at: 0, [Sample("gpu_memory_used_percent", Self.gpu, 96)])
        first.step(at: 5, [Sample("gpu_memory_used_percent", Self.gpu, 99)])
        // The critical fired and was notified; the warning's 10 s hold is still pending.
        let before = first.engine.deliveredFirings(at: first.start.addingTimeInterval(6))
        #expect(before.map(\.alert.rule) == ["gpu_memory_critical"])
        #expect(before.map(\.kind) == [.firing])
        #expect(before.first?.alert.peak == 99)
        #expect(before.first?.time == first.start.addingTimeInterval(6))

        var (second, _) = try Self.restarted(first, savedAt: 6, restoredAt: 8)
        let restored = second.engine.deliveredFirings(at: second.start.addingTimeInterval(8))
        #expect(restored.map(\.alert) == before.map(\.alert))
        second.step(at: 10, [Sample("gpu_memory_used_percent", Self.gpu, 50)])
        #expect(second.notifications.map(\.kind) == [.resolved])
        #expect(second.engine.deliveredFirings(at: second.start.addingTimeInterval(10)).isEmpty)
    }

    @Test("a for: 10s hold that ran 7 s before the restart fires 3 s after it")
    func pendingHoldContinues() throws {
        var first = Scenario([gpuWarn])
        for t in 0...7 { first.step(at: Double(t), [Sample("gpu_memory_used_percent", Self.gpu, 85)]) }
        #expect(first.notifications.isEmpty)

        var (second, told) = try Self.restarted(first, savedAt: 7, restoredAt: 7.5)
        #expect(told.isEmpty)
        for t in 8...9 { second.step(at: Double(t), [Sample("gpu_memory_used_percent", Self.gpu, 85)]) }
        #expect(second.notifications.isEmpty)
        second.step(at: 10, [Sample("gpu_memory_used_percent", Self.gpu, 85)])
        #expect(second.log.map { "\($0.kind.rawValue)@\(Int($0.time))" } == ["firing@10"])
        #expect(second.notifications.first?.alert.since == first.start)
    }

    @Test("without the saved state the same hold starts from zero (the control case)")
    func withoutStateStartsOver() {
        var second = Scenario([gpuWarn])
        for t in 8...10 { second.step(at: Double(t), [Sample("gpu_memory_used_percent", Self.gpu, 85)]) }
        #expect(second.notifications.isEmpty)
    }

    @Test("consecutive-sample holds, repeat timers and counter baselines continue")
    func countersAndRepeats() throws {
        let oom = AlertRule(name: "oom", selector: MetricSelector("container_oom_kills_total"), condition: .increases, severity: .critical)
        var first = Scenario([cpuOverload, oom], policy: AlertPolicy(repeatInterval: .seconds(60)))
        first.step(at: 0, [Sample("cpu_used_percent", .none, 99), Sample("container_oom_kills_total", .none, 3)])
        first.step(at: 5, [Sample("cpu_used_percent", .none, 99), Sample("container_oom_kills_total", .none, 3)])
        #expect(first.notifications.isEmpty)

        var (second, _) = try Self.restarted(first, savedAt: 5, restoredAt: 6, policy: AlertPolicy(repeatInterval: .seconds(60)))
        // The third breaching sample fires; the counter did not move, so no OOM alert.
        second.step(at: 10, [Sample("cpu_used_percent", .none, 99), Sample("container_oom_kills_total", .none, 3)])
        #expect(second.log.map { "\($0.kind.rawValue):\($0.rule)@\(Int($0.time))" } == ["firing:cpu_overload@10"])

        var (third, _) = try Self.restarted(second, savedAt: 40, restoredAt: 41, policy: AlertPolicy(repeatInterval: .seconds(60)))
        // The repeat is due 60 s after the firing, not 60 s after the restart; the OOM kill
        // that happened while the daemon was down is seen against the saved baseline.
        third.step(at: 65, [Sample("cpu_used_percent", .none, 99), Sample("container_oom_kills_total", .none, 4)])
        third.step(at: 70, [Sample("cpu_used_percent", .none, 99), Sample("container_oom_kills_total", .none, 4)])
        #expect(third.log.map { "\($0.kind.rawValue):\($0.rule)@\(Int($0.time))" } == ["firing:oom@65", "resolved:oom@70", "repeat:cpu_overload@70"])
    }

    @Test("state older than stale_after is not trusted: its delivered firing resolves, and the alert fires afresh")
    func staleStateResolves() throws {
        var first = Scenario([gpuCrit])
        first.step(at: 0, [Sample("gpu_memory_used_percent", Self.gpu, 96)])
        var (second, told) = try Self.restarted(first, savedAt: 1, restoredAt: 601)
        #expect(told.map(\.kind) == [.resolved])
        #expect(told.first?.alert.resolveReason == "no data for 10m: headroom was not running")
        #expect(second.engine.firingAlerts.isEmpty)
        second.step(at: 602, [Sample("gpu_memory_used_percent", Self.gpu, 96)])
        #expect(second.log.map(\.kind) == [.firing])
        #expect(second.notifications.first?.alert.since == first.start.addingTimeInterval(602))
    }

    @Test("a delivered firing whose rule is gone after the restart resolves; an undelivered one is forgotten")
    func ruleRemoved() throws {
        var first = Scenario([gpuCrit, gpuWarn])
        first.step(at: 0, [Sample("gpu_memory_used_percent", Self.gpu, 96)])
        let (second, told) = try Self.restarted(first, savedAt: 1, restoredAt: 2, rules: [cpuOverload])
        #expect(told.map { "\($0.kind.rawValue):\($0.alert.rule)" } == ["resolved:gpu_memory_critical"])
        #expect(told.first?.alert.resolveReason == "rule removed or changed while headroom was not running")
        #expect(second.engine.savedState(at: second.start).entries.isEmpty)
    }

    @Test("a rule whose kind changed does not take the old state")
    func kindChanged() throws {
        var first = Scenario([gpuCrit])
        first.step(at: 0, [Sample("gpu_memory_used_percent", Self.gpu, 96)])
        let counter = AlertRule(name: "gpu_memory_critical", selector: MetricSelector("gpu_memory_used_percent"), condition: .increases)
        let (second, told) = try Self.restarted(first, savedAt: 1, restoredAt: 2, rules: [counter])
        #expect(told.map(\.kind) == [.resolved])
        #expect(second.engine.firingAlerts.isEmpty)
    }

    @Test("the saved state survives JSON unchanged, trend windows thinned under the cap with the newest point kept")
    func codable() throws {
        let leak = AlertRule(
            name: "leak", selector: MetricSelector("memory_used_bytes"),
            // 1,000 s at 1 s: every sample stays in the window (TrendWindow.pointsPerWindow)
            // and the save thins them.
            condition: .trend(TrendCondition(capacity: .fixed(1e12), window: .seconds(1000))))
        var first = Scenario([gpuCrit, leak])
        for t in 0..<1000 {
            first.step(at: Double(t), [Sample("memory_used_bytes", .none, Double(t) * 1000), Sample("gpu_memory_used_percent", Self.gpu, 96)])
        }
        let state = first.engine.savedState(at: first.start.addingTimeInterval(1000))
        #expect(try Self.roundTrip(state) == state)
        let trend = try #require(state.entries.first { $0.rule == "leak" })
        // 1,000 points every 4th: 250, evenly spread over the whole window.
        #expect(trend.trendTimes.count == 250)
        #expect(trend.trendTimes.first == first.start.addingTimeInterval(3).timeIntervalSinceReferenceDate)
        #expect(trend.trendTimes.last == first.start.addingTimeInterval(999).timeIntervalSinceReferenceDate)
        #expect(trend.trendValues.last == 999_000)
        #expect(state.hasActiveAlerts)
        let firing = try #require(state.entries.first { $0.rule == "gpu_memory_critical" })
        #expect(firing.machine.state == "firing")
        #expect(firing.deliveredFiring)
    }

    @Test("a saved state of another format version is not taken up")
    func otherVersion() throws {
        var first = Scenario([gpuCrit])
        first.step(at: 0, [Sample("gpu_memory_used_percent", Self.gpu, 96)])
        var saved = first.engine.savedState(at: first.start)
        saved.version = AlertEngineState.currentVersion + 1
        var second = Scenario([gpuCrit])
        #expect(second.engine.restore(saved, at: second.start).isEmpty)
        #expect(second.engine.firingAlerts.isEmpty)
    }
}
