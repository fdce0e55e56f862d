import Foundation
import HeadroomCollectors
import HeadroomConfig
import HeadroomCore
import HeadroomDaemon
import HeadroomNotify
import HeadroomTesting
import Logging
import Testing

/// The daemon built exactly as `main` builds it, with scripted collectors, a recording
/// notifier and hand-moved time: the whole pipeline, deterministically.
struct DaemonHarness {
    let daemon: Daemon
    let notifier: RecordingNotifier
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    /// The daemon's clock: it stands at `start` unless a test moves it (what `/healthz` ages
    /// the latest round against, what collector budgets and retries wait on).
    let clock: ManualClock

    /// `collectors` nil builds the configured catalog (as `main` does) reading `files`.
    /// `stateDirectory` nil keeps the outbox and silences in memory only. `realTime` runs the
    /// daemon on the system clock instead of `clock`.
    init(
        yaml: String, collectors: [any Collector]?, files: InMemorySystemFiles = InMemorySystemFiles([:]),
        environment: [String: String] = [:], stateDirectory: String? = nil, realTime: Bool = false, logger given: Logger? = nil
    ) throws {
        let configuration = try ConfigurationLoader.load(yaml: yaml, source: "test.yaml", environment: environment).get().configuration
        let notifier = RecordingNotifier()
        self.notifier = notifier
        let clock = ManualClock(wall: start)
        self.clock = clock
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        let logger = given ?? quiet
        let dependencies = Dependencies(
            clock: realTime ? SystemClock() : clock,
            makeFiles: { _ in files },
            environment: [:],
            hostname: "test-host",
            makeNotifier: { _ in notifier },
            collectors: collectors.map { list -> @Sendable (CollectorSettings) -> [any Collector] in { _ in list } },
            stateDirectory: stateDirectory.map { directory -> @Sendable (DeliverySettings) -> String in { _ in directory } }
        )
        daemon = Daemon(configuration: configuration, dependencies: dependencies, logger: logger)
    }

    /// One sampling round at `seconds` after the start, then the delivery service's pass at
    /// the same moment (what it does when the round wakes it).
    @discardableResult
    func tick(_ seconds: Double) async -> [AlertNotification] {
        let time = start.addingTimeInterval(seconds)
        let notifications = await daemon.sampling.tick(at: time).notifications
        await daemon.pipeline.retryDue(at: time)
        return notifications
    }

    /// Rounds every 2 s of the daemon's clock, moved by hand (what waits on a real thread
    /// meanwhile, a hung write, sees the time pass), after `seconds`, while `waiting` holds and
    /// at most until `limit`; returns the seconds reached.
    func tickEvery2s(after seconds: Int, until limit: Int, while waiting: () -> Bool) async throws -> Int {
        var seconds = seconds
        while waiting(), seconds < limit {
            seconds += 2
            clock.advance(to: start.addingTimeInterval(Double(seconds)))
            await tick(Double(seconds))
            try await Task.sleep(for: .milliseconds(5))
        }
        return seconds
    }

    /// One round at `seconds` in which a collector hangs on the round's thread. Once the round
    /// has armed its deadline and `entered` returns (the hung call has begun, so the collectors
    /// before it have answered), the clock moves through the collector budget: the round ends
    /// as it would after `budget` of real time, and no real time passes.
    func tickThroughHang(
        _ seconds: Double, budget: Duration, entered: @Sendable () async -> Void
    ) async -> SamplingService.RoundSummary {
        let armed = clock.alarmsSet
        async let summary = daemon.sampling.tick(at: start.addingTimeInterval(seconds))
        await clock.waitForAlarm(after: armed)
        await entered()
        clock.advance(by: budget)
        return await summary
    }

    var received: [String] {
        notifier.received.map { "\($0.kind.rawValue):\($0.alert.rule)" }
    }
}

@Suite("Daemon pipeline")
struct DaemonTests {
    static let gpuYAML = """
        interval: 5s
        default_rules: false
        rules:
          - {name: gpu_memory_high, metric: gpu_memory_used_percent, at_least: 80, for: 10s, severity: warning, family: gpu_memory}
          - {name: gpu_memory_critical, metric: gpu_memory_used_percent, at_least: 95, severity: critical, family: gpu_memory}
        channels:
          - type: console
        """

    static func gpu(_ percent: Double) -> [Sample] {
        [Sample("gpu_memory_used_percent", ["gpu": "0", "uuid": "GPU-test"], percent)]
    }

    @Test("a collector's outcome is logged once per change: unavailable, failed, recovered; never again while it holds")
    func collectorAnnouncements() async throws {
        let directory = try TemporaryDirectory()
        let logPath = directory.path("daemon.log")
        let logger = Logger(label: "test") { label in HeadroomLogHandler(label: label, level: .info, format: .text, sink: TextSink(path: logPath)) }
        let steady = ScriptedCollector(name: "steady", samples: Self.gpu(10))
        let flaky = ScriptedCollector(name: "flaky", samples: Self.gpu(10))
        let absent = ScriptedCollector(name: "absent")
        absent.fail(.unavailable("no such device"))
        let harness = try DaemonHarness(yaml: Self.gpuYAML, collectors: [steady, flaky, absent], logger: logger)
        func announcements() throws -> [String] {
            try String(contentsOfFile: logPath, encoding: .utf8).split(separator: "\n").compactMap { line in
                guard line.contains("collector") else { return nil }
                // Without the time: the level, the message and the collector.
                return line.split(separator: " ").dropFirst().joined(separator: " ")
            }
        }
        await harness.tick(0)
        await harness.tick(5)
        flaky.fail(.failed("/proc/flaky: line 1: not a number"))
        await harness.tick(10)
        await harness.tick(15)
        flaky.set(Self.gpu(10))
        await harness.tick(20)
        await harness.tick(25)
        #expect(
            try announcements() == [
                "info collector unavailable on this host; its metrics are skipped: no such device collector=absent",
                "warning collector failed: /proc/flaky: line 1: not a number collector=flaky",
                "info collector recovered collector=flaky",
            ])
    }

    @Test("the seed scenario end to end: warn after 10 s held, critical at once, resolve with peak and duration")
    func seedScenario() async throws {
        let gpu = ScriptedCollector(name: "gpu")
        let harness = try DaemonHarness(yaml: Self.gpuYAML, collectors: [gpu])
        let script: [(Double, Double)] = [(0, 70), (5, 85), (10, 85), (15, 85), (20, 96), (25, 96), (30, 50)]
        var timeline: [String] = []
        for (time, percent) in script {
            gpu.set(Self.gpu(percent))
            for notification in await harness.tick(time) {
                timeline.append("\(Int(time)) \(notification.kind.rawValue) \(notification.alert.rule)")
            }
        }
        #expect(
            timeline == [
                "15 firing gpu_memory_high",
                "20 firing gpu_memory_critical",
                "30 resolved gpu_memory_high",
                "30 resolved gpu_memory_critical",
            ])
        let resolved = try #require(harness.notifier.received.last { $0.alert.rule == "gpu_memory_high" })
        #expect(resolved.host == "test-host")
        #expect(resolved.alert.peak == 96)
        #expect(resolved.summary.contains("peak 96.0%") && resolved.summary.contains("lasted 25s"))
    }

    @Test("a 6 s spike to 85% stays silent through the whole pipeline")
    func spike() async throws {
        let gpu = ScriptedCollector(name: "gpu")
        let harness = try DaemonHarness(yaml: Self.gpuYAML, collectors: [gpu])
        for (time, percent) in [(0.0, 70.0), (5, 85), (10, 70), (15, 70)] {
            gpu.set(Self.gpu(percent))
            await harness.tick(time)
        }
        #expect(harness.notifier.received.isEmpty)
    }

    @Test("a failing collector raises collector_failed with the reason; the others keep reporting")
    func failingCollector() async throws {
        let good = ScriptedCollector(name: "gpu", samples: Self.gpu(96))
        let bad = ScriptedCollector(name: "cgroup")
        bad.fail(.failed("/sys/fs/cgroup/memory.max: expected a number or \"max\", got \"garbage\""))
        let harness = try DaemonHarness(yaml: Self.gpuYAML, collectors: [good, bad])
        let out = await harness.tick(0)
        #expect(Set(out.map(\.alert.rule)) == ["gpu_memory_critical", "collector_failed"])
        let failed = try #require(out.first { $0.alert.rule == "collector_failed" })
        #expect(failed.alert.labels["collector"] == "cgroup")
        #expect(failed.summary.contains("memory.max"))
        // It recovers: resolved.
        bad.set([])
        let next = await harness.tick(5)
        #expect(next.map { "\($0.kind.rawValue):\($0.alert.rule)" } == ["resolved:collector_failed"])
    }

    @Test("a hung collector times out, is not called again while stuck, and does not delay the others")
    func hungCollector() async throws {
        let gpu = ScriptedCollector(name: "gpu", samples: Self.gpu(96))
        let hung = HangingCollector(name: "nvml")
        let yaml = Self.gpuYAML + "\ncollectors:\n  timeout: 1s\n"
        let harness = try DaemonHarness(yaml: yaml, collectors: [gpu, hung])
        let first = await harness.tickThroughHang(0, budget: .seconds(1), entered: hung.entered.wait)
        let reports = Dictionary(uniqueKeysWithValues: first.snapshot.collectors.map { ($0.collector, $0.outcome) })
        #expect(reports["gpu"] == .ok)
        #expect(reports["nvml"] == .timedOut(budget: .seconds(1)))
        #expect(first.snapshot.samples.contains { $0.name == "gpu_memory_used_percent" })
        // Stalled (critical) inhibits the plain collector_failed warning of the same collector.
        #expect(Set(first.notifications.map(\.alert.rule)) == ["gpu_memory_critical", "collector_stalled"])
        let stalled = try #require(first.notifications.first { $0.alert.rule == "collector_stalled" })
        #expect(stalled.summary == "collector nvml is stalled: did not answer within its 1s budget; its metrics are absent until it returns")
        // Still stuck: reported busy, not called a second time.
        let second = await harness.daemon.sampling.tick(at: harness.start.addingTimeInterval(5))
        #expect(second.snapshot.collectors.first { $0.collector == "nvml" }?.outcome == .stillBusy)
        #expect(hung.callCount == 1)
        // Unstuck: a later round reads it again and the alert resolves. The released call
        // finishes on the collector's queue, so poll rounds (bounded) rather than sleep.
        hung.release()
        var recovered = false
        for round in 0..<500 where !recovered {
            let summary = await harness.daemon.sampling.tick(at: harness.start.addingTimeInterval(10 + Double(round)))
            recovered = summary.notifications.contains { $0.kind == .resolved && $0.alert.rule == "collector_stalled" }
            if !recovered { await Task.yield() }
        }
        #expect(recovered)
    }

    @Test("a slow first reading (NVML init) is 'starting' within its grace rounds, then a stall")
    func slowStart() async throws {
        let slow = HangingCollector(name: "nvidia", startupGraceRounds: 2)
        let gpu = ScriptedCollector(name: "gpu", samples: Self.gpu(50))
        let harness = try DaemonHarness(yaml: Self.gpuYAML + "\ncollectors:\n  timeout: 1s\n", collectors: [gpu, slow])
        defer { slow.release() }
        var outcomes: [CollectorOutcome?] = []
        var notified: [String] = []
        for round in 0..<3 {
            // The first round waits out the budget; later ones find the call still busy at once.
            let summary =
                round == 0
                ? await harness.tickThroughHang(0, budget: .seconds(1), entered: slow.entered.wait)
                : await harness.daemon.sampling.tick(at: harness.start.addingTimeInterval(Double(round) * 5))
            outcomes.append(summary.snapshot.collectors.first { $0.collector == "nvidia" }?.outcome)
            notified += summary.notifications.map(\.alert.rule)
        }
        guard case .unavailable(let reason) = outcomes[0] else {
            Issue.record("first round: \(String(describing: outcomes[0]))")
            return
        }
        #expect(reason.hasPrefix("starting: its first reading is still in progress"))
        #expect(outcomes[1] == outcomes[0])
        // Past the grace: a stall like any other.
        #expect(outcomes[2] == .stillBusy)
        #expect(notified == ["collector_stalled"])
    }

    @Test("a collector that hangs before the others in the round does not cost them their sample")
    func hungFirst() async throws {
        let hung = HangingCollector(name: "nvml")
        let gpu = ScriptedCollector(name: "gpu", samples: Self.gpu(96))
        // Real time: the collectors after the hung one run on a thread of their own and must
        // answer within the real budget, however loaded the machine (2 s). A manual clock
        // could not tell when that thread is done, so when to let the budget pass.
        let harness = try DaemonHarness(yaml: Self.gpuYAML + "\ncollectors:\n  timeout: 2s\n", collectors: [hung, gpu], realTime: true)
        defer { hung.release() }
        let first = await harness.daemon.sampling.tick(at: harness.start)
        let outcomes = Dictionary(uniqueKeysWithValues: first.snapshot.collectors.map { ($0.collector, $0.outcome) })
        #expect(outcomes["gpu"] == .ok)
        #expect(outcomes["nvml"] == .timedOut(budget: .seconds(2)))
        #expect(first.notifications.contains { $0.alert.rule == "gpu_memory_critical" })
        // From now on the hung collector sits on its own queue.
        let second = await harness.daemon.sampling.tick(at: harness.start.addingTimeInterval(5))
        #expect(second.snapshot.collectors.first { $0.collector == "nvml" }?.outcome == .stillBusy)
        #expect(second.snapshot.collectors.first { $0.collector == "gpu" }?.outcome == .ok)
    }

    @Test("a retryable delivery failure is delivered on a later round")
    func retry() async throws {
        let gpu = ScriptedCollector(name: "gpu", samples: Self.gpu(96))
        let harness = try DaemonHarness(yaml: Self.gpuYAML, collectors: [gpu])
        harness.notifier.failNext([.retryable("connection refused")])
        await harness.tick(0)
        #expect(harness.notifier.received.isEmpty)
        #expect(await harness.daemon.pipeline.pendingCount == 1)
        await harness.tick(5) // backoff: 1 s after the first failure
        #expect(harness.received == ["firing:gpu_memory_critical"])
        #expect(await harness.daemon.pipeline.pendingCount == 0)
    }

    @Test("reload: a valid file swaps the rules and keeps firing alerts; an invalid one keeps the running config")
    func reload() async throws {
        let gpu = ScriptedCollector(name: "gpu", samples: Self.gpu(96))
        let harness = try DaemonHarness(yaml: Self.gpuYAML, collectors: [gpu])
        await harness.tick(0)
        #expect(harness.received == ["firing:gpu_memory_critical"])

        let invalid = ConfigurationLoader.load(yaml: "interval: fast\n", source: "new.yaml", environment: [:]).map(\.configuration)
        #expect(await harness.daemon.reload(invalid) == false)
        // Two rules + collector_failed, collector_stalled, series_limit_reached, history_write_failed,
        // alert_state_save_failed.
        #expect(harness.daemon.alerts.rules.count == 7)

        let tighter = Self.gpuYAML.replacingOccurrences(of: "at_least: 80", with: "at_least: 70")
        let valid = ConfigurationLoader.load(yaml: tighter, source: "new.yaml", environment: [:]).map(\.configuration)
        #expect(await harness.daemon.reload(valid))
        await harness.tick(5)
        // The critical kept firing across the reload: no second "firing".
        #expect(harness.received == ["firing:gpu_memory_critical"])
        let warn = harness.daemon.alerts.rules.first { $0.name == "gpu_memory_high" }
        #expect(warn?.condition == .atLeast(70))
    }

    @Test("reload after sampling stopped (shutdown): the rules are not changed, so no resolved can miss the outbox")
    func reloadAfterShutdown() async throws {
        let gpu = ScriptedCollector(name: "gpu", samples: Self.gpu(96))
        let harness = try DaemonHarness(yaml: Self.gpuYAML, collectors: [gpu])
        await harness.tick(0)
        #expect(harness.received == ["firing:gpu_memory_critical"])
        // The loop runs and stops as at shutdown, which then saves the engine's state.
        let running = Task { try await harness.daemon.sampling.run() }
        running.cancel()
        _ = await running.result

        // A SIGHUP now, with the critical rule gone: it would resolve the firing alert in the
        // engine (and in the state shutdown saves) while its resolved had yet to reach the outbox.
        let without = Self.gpuYAML.split(separator: "\n").filter { !$0.contains("gpu_memory_critical") }.joined(separator: "\n")
        let valid = ConfigurationLoader.load(yaml: without, source: "new.yaml", environment: [:]).map(\.configuration)
        #expect(await harness.daemon.reload(valid) == false)
        #expect(harness.daemon.alerts.firingAlerts.map(\.rule) == ["gpu_memory_critical"])
        #expect(harness.daemon.alerts.rules.contains { $0.name == "gpu_memory_critical" })
        #expect(await harness.daemon.pipeline.pendingCount == 0)
    }

    @Test("reload: a change a reload cannot apply (server, log) is named in a warning, at every reload until it is undone")
    func reloadNamesRestartOnlyChanges() async throws {
        let directory = try TemporaryDirectory()
        let logPath = directory.path("daemon.log")
        let logger = Logger(label: "test") { label in HeadroomLogHandler(label: label, level: .info, format: .text, sink: TextSink(path: logPath)) }
        let harness = try DaemonHarness(yaml: Self.gpuYAML, collectors: [ScriptedCollector(name: "gpu", samples: Self.gpu(10))], logger: logger)
        func warnings() throws -> [String] {
            try String(contentsOfFile: logPath, encoding: .utf8).split(separator: "\n").filter { $0.contains("a reload does not apply") }
                .map { String($0) }
        }
        func reload(_ yaml: String) async throws {
            #expect(await harness.daemon.reload(ConfigurationLoader.load(yaml: yaml, source: "new.yaml", environment: [:]).map(\.configuration)))
        }
        let moved = Self.gpuYAML + "\nserver: {listen: \"127.0.0.1:19500\"}\nlog: {level: debug}\n"
        try await reload(Self.gpuYAML.replacingOccurrences(of: "at_least: 80", with: "at_least: 70"))
        #expect(try warnings().isEmpty)
        try await reload(moved)
        try await reload(moved)
        let found = try warnings()
        #expect(found.count == 2)
        #expect(found.allSatisfy { $0.contains("warning the file changes log, server, which a reload does not apply") }, "\(found)")
        try await reload(Self.gpuYAML)
        #expect(try warnings().count == 2)
    }
}

@Suite("Series limit")
struct SeriesLimitTests {
    @Test("past limits.max_series new series are refused and counted, series_limit_reached fires once, known series go on")
    func cap() async throws {
        let many = (0..<400).map { Sample("gpu_process_memory_used_bytes", ["pid": String($0)], 1) }
        let gpu = Sample("gpu_memory_used_percent", ["gpu": "0"], 96)
        let collector = ScriptedCollector(name: "gpu", samples: [gpu] + many)
        let harness = try DaemonHarness(
            yaml: """
                limits: {max_series: 100}
                default_rules: false
                rules:
                  - {name: gpu_full, metric: gpu_memory_used_percent, at_least: 95, severity: critical}
                channels: [{type: console}]
                """, collectors: [collector])
        let first = await harness.tick(0)
        // The known series alerts as usual; the refused ones are counted.
        #expect(first.map(\.alert.rule) == ["gpu_full"])
        let second = await harness.tick(5)
        #expect(second.map { "\($0.kind.rawValue):\($0.alert.rule)" } == ["firing:series_limit_reached"])
        let summary = try #require(second.first?.summary)
        #expect(summary.contains("samples of new series refused in the latest round"), "\(summary)")
        let samples = harness.daemon.alerts.latestSamples
        #expect(samples.first { $0.name == "series_tracked" }?.value == 100)
        #expect((samples.first { $0.name == "series_dropped_total" }?.value ?? 0) > 300)
        // Nothing more is sent while it holds.
        #expect(await harness.tick(10).isEmpty)
        // The churn stops: nothing is refused any more (Headroom's own health series were
        // never among the refused, or they would be refused every round), and after
        // keep_firing_for 5m the alert resolves.
        collector.set([gpu])
        var resolved = false
        for round in 3..<100 where !resolved {
            resolved = await harness.tick(Double(round) * 5).contains { $0.kind == .resolved && $0.alert.rule == "series_limit_reached" }
        }
        #expect(resolved, "\(harness.received)")
    }
}
