import Foundation
import HeadroomCore
import Testing

@Suite("SampleDerivation")
struct SampleDerivationTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func cpu(_ cpu: String, user: Double, system: Double, idle: Double, iowait: Double, steal: Double) -> [Sample] {
        [("user", user), ("system", system), ("idle", idle), ("iowait", iowait), ("steal", steal)].map {
            Sample("cpu_seconds_total", ["cpu": cpu, "mode": $0.0], $0.1, kind: .counter)
        }
    }

    @Test("CPU busy, iowait and steal percentages from counter deltas")
    func cpuPercent() throws {
        let before = HostSnapshot(
            time: Self.t0,
            samples: Self.cpu("all", user: 100, system: 50, idle: 800, iowait: 10, steal: 0)
                + Self.cpu("0", user: 50, system: 25, idle: 400, iowait: 5, steal: 0))
        let after = HostSnapshot(
            time: Self.t0.addingTimeInterval(1),
            samples: Self.cpu("all", user: 160, system: 70, idle: 810, iowait: 15, steal: 5)
                + Self.cpu("0", user: 100, system: 25, idle: 400, iowait: 5, steal: 0))
        let derived = SampleDerivation.derived(previous: before, current: after)
        func value(_ name: String, _ labels: Labels = .none) -> Double? {
            derived.first { $0.name == name && $0.labels == labels }?.value
        }
        // Δ: user 60, system 20, idle 10, iowait 5, steal 5 → total 100; busy = 100 − 10 − 5 = 85.
        #expect(value("cpu_used_percent") == 85)
        #expect(value("cpu_iowait_percent") == 5)
        #expect(value("cpu_steal_percent") == 5)
        #expect(value("cpu_core_used_percent", ["cpu": "0"]) == 100)
    }

    @Test("rates are the same whether the previous round lists its series in the same order, reversed, or with others between")
    func previousByPositionOrSeries() {
        let before =
            Self.cpu("all", user: 100, system: 50, idle: 800, iowait: 10, steal: 0)
            + Self.cpu("0", user: 50, system: 25, idle: 400, iowait: 5, steal: 0)
        let after = HostSnapshot(
            time: Self.t0.addingTimeInterval(1),
            samples: Self.cpu("all", user: 160, system: 70, idle: 810, iowait: 15, steal: 5)
                + Self.cpu("0", user: 100, system: 25, idle: 400, iowait: 5, steal: 0))
        let inOrder = SampleDerivation.derived(previous: HostSnapshot(time: Self.t0, samples: before), current: after)
        #expect(inOrder.count == 4)
        let reversed = SampleDerivation.derived(previous: HostSnapshot(time: Self.t0, samples: before.reversed()), current: after)
        #expect(reversed == inOrder)
        let interleaved = before.flatMap { [Sample("load1", .none, 1), $0] }
        #expect(SampleDerivation.derived(previous: HostSnapshot(time: Self.t0, samples: interleaved), current: after) == inOrder)
        // A gauge of the same name and labels in the previous round is no counter's baseline.
        let gauges = before.map { Sample($0.name, $0.labels, $0.value) }
        #expect(SampleDerivation.derived(previous: HostSnapshot(time: Self.t0, samples: gauges), current: after).isEmpty)
    }

    @Test("a CPU's modes need not be listed together: interleaved CPUs give the same percentages")
    func cpuModesInterleaved() {
        let before =
            Self.cpu("all", user: 100, system: 50, idle: 800, iowait: 10, steal: 0)
            + Self.cpu("0", user: 50, system: 25, idle: 400, iowait: 5, steal: 0)
            + Self.cpu("1", user: 50, system: 25, idle: 400, iowait: 5, steal: 0)
        let after =
            Self.cpu("all", user: 160, system: 70, idle: 810, iowait: 15, steal: 5)
            + Self.cpu("0", user: 100, system: 25, idle: 400, iowait: 5, steal: 0)
            + Self.cpu("1", user: 60, system: 25, idle: 430, iowait: 5, steal: 0)
        func derived(_ current: [Sample]) -> [Sample] {
            SampleDerivation.derived(
                previous: HostSnapshot(time: Self.t0, samples: before),
                current: HostSnapshot(time: Self.t0.addingTimeInterval(1), samples: current))
        }
        let grouped = derived(after)
        #expect(grouped.count == 5)
        #expect(grouped.first { $0.labels == ["cpu": "1"] }?.value == 25)
        // Mode by mode across the CPUs (all's user, 0's user, 1's user, all's system, …).
        let interleaved = (0..<5).flatMap { mode in stride(from: mode, to: after.count, by: 5).map { after[$0] } }
        #expect(interleaved != after)
        #expect(derived(interleaved) == grouped)
    }

    @Test("a counter that went backwards yields no rate")
    func counterReset() {
        let before = HostSnapshot(time: Self.t0, samples: Self.cpu("all", user: 100, system: 50, idle: 800, iowait: 10, steal: 0))
        let after = HostSnapshot(time: Self.t0.addingTimeInterval(1), samples: Self.cpu("all", user: 5, system: 1, idle: 10, iowait: 0, steal: 0))
        #expect(SampleDerivation.derived(previous: before, current: after).isEmpty)
    }

    @Test("container CPU as a percentage of its quota, and throttling")
    func containerCPU() {
        let labels: Labels = ["cgroup": "/docker/abc", "version": "v2"]
        let before = HostSnapshot(
            time: Self.t0,
            samples: [
                Sample("container_cpu_usage_seconds_total", labels, 100, kind: .counter),
                Sample("container_cpu_periods_total", labels, 1000, kind: .counter),
                Sample("container_cpu_throttled_periods_total", labels, 10, kind: .counter),
            ])
        let after = HostSnapshot(
            time: Self.t0.addingTimeInterval(2),
            samples: [
                Sample("container_cpu_usage_seconds_total", labels, 103, kind: .counter),
                Sample("container_cpu_limit_cores", labels, 2),
                Sample("container_cpu_periods_total", labels, 1020, kind: .counter),
                Sample("container_cpu_throttled_periods_total", labels, 15, kind: .counter),
            ])
        let derived = Dictionary(uniqueKeysWithValues: SampleDerivation.derived(previous: before, current: after).map { ($0.name, $0.value) })
        #expect(derived["container_cpu_used_cores"] == 1.5)
        #expect(derived["container_cpu_used_percent"] == 75)
        #expect(derived["container_cpu_throttled_percent"] == 25)
    }

    @Test("several containers each get their own limit and periods, whatever order each list is in")
    func severalContainers() {
        let names = ["a", "b", "c"]
        let labels = names.map { Labels(["container": $0]) }
        func counters(_ usage: [Double], _ periods: [Double], _ throttled: [Double]) -> [Sample] {
            labels.indices.map { Sample("container_cpu_usage_seconds_total", labels[$0], usage[$0], kind: .counter) }
                + [1, 0, 2].map { Sample("container_cpu_periods_total", labels[$0], periods[$0], kind: .counter) }
                + [2, 1, 0].map { Sample("container_cpu_throttled_periods_total", labels[$0], throttled[$0], kind: .counter) }
        }
        let before = HostSnapshot(time: Self.t0, samples: counters([10, 20, 30], [100, 100, 100], [0, 0, 0]))
        // Limits in yet another order: c, a, b.
        let limits = [2, 0, 1].map { Sample("container_cpu_limit_cores", labels[$0], Double($0 + 1)) }
        let after = HostSnapshot(
            time: Self.t0.addingTimeInterval(1), samples: limits + counters([10.5, 21, 31.5], [110, 120, 140], [1, 6, 20]))
        let derived = SampleDerivation.derived(previous: before, current: after)
        func value(_ name: String, _ container: Int) -> Double? {
            derived.first { $0.name == name && $0.labels == labels[container] }?.value
        }
        #expect(labels.indices.map { value("container_cpu_used_cores", $0) } == [0.5, 1, 1.5])
        // Each container's cores against its own limit (1, 2 and 3 cores): 50 % for all three.
        #expect(labels.indices.map { value("container_cpu_used_percent", $0) } == [50, 50, 50])
        // Throttled periods against each one's own periods: 1/10, 6/20, 20/40.
        #expect(labels.indices.map { value("container_cpu_throttled_percent", $0) } == [10, 30, 50])
    }

    @Test("no quota: cores are reported, no percentage of infinity")
    func containerUnlimited() {
        let labels: Labels = ["cgroup": "/", "version": "v1"]
        let before = HostSnapshot(time: Self.t0, samples: [Sample("container_cpu_usage_seconds_total", labels, 10, kind: .counter)])
        let after = HostSnapshot(
            time: Self.t0.addingTimeInterval(1),
            samples: [
                Sample("container_cpu_usage_seconds_total", labels, 10.5, kind: .counter), Sample("container_cpu_limited", labels, 0),
            ])
        let names = SampleDerivation.derived(previous: before, current: after).map(\.name)
        #expect(names == ["container_cpu_used_cores"])
    }

    @Test("collector reports become collector_up with the reason; unavailable ones are skipped")
    func collectorHealth() {
        let snapshot = HostSnapshot(
            time: Self.t0, samples: [],
            collectors: [
                CollectorReport(collector: "cpu", outcome: .ok, duration: .milliseconds(1)),
                CollectorReport(collector: "cgroup", outcome: .failed(reason: "/sys/fs/cgroup/memory.max: not a number"), duration: .milliseconds(1)),
                CollectorReport(collector: "pressure", outcome: .unavailable(reason: "no PSI"), duration: .zero),
                CollectorReport(collector: "memory", outcome: .timedOut(budget: .seconds(2)), duration: .seconds(2)),
            ])
        let up = SampleDerivation.evaluationSamples(previous: nil, current: snapshot).filter { $0.name == "collector_up" }
        #expect(up.map { $0.labels["collector"]! } == ["cpu", "cgroup", "memory"])
        #expect(up.map(\.value) == [1, 0, 0])
        #expect(up[1].detail == "/sys/fs/cgroup/memory.max: not a number")
        #expect(up[2].detail == "did not answer within its 2s budget")
        // Only the collector that overran counts as stalled.
        let stalled = SampleDerivation.evaluationSamples(previous: nil, current: snapshot).filter { $0.name == "collector_stalled" }
        #expect(stalled.map { $0.labels["collector"]! } == ["cpu", "cgroup", "memory"])
        #expect(stalled.map(\.value) == [0, 0, 1])
        #expect(stalled[2].detail == "did not answer within its 2s budget")
    }

    @Test("Headroom's own collector health comes before the raw samples and the rates (so a series cap never refuses it)")
    func healthFirst() {
        let report = [CollectorReport(collector: "cpu", outcome: .ok, duration: .milliseconds(1))]
        let before = HostSnapshot(time: Self.t0, samples: Self.cpu("all", user: 10, system: 0, idle: 90, iowait: 0, steal: 0), collectors: report)
        let after = HostSnapshot(
            time: Self.t0.addingTimeInterval(1), samples: Self.cpu("all", user: 15, system: 0, idle: 95, iowait: 0, steal: 0), collectors: report)
        let names = SampleDerivation.evaluationSamples(previous: before, current: after).map(\.name)
        #expect(Array(names.prefix(3)) == ["collector_up", "collector_stalled", "collector_duration_seconds"])
        #expect(Array(names[3..<8]) == Array(repeating: "cpu_seconds_total", count: 5))
        #expect(names.dropFirst(8).contains("cpu_used_percent"), "the rates come last: \(names)")
        // The daemon's own series counts, given as `leading`, go before everything else.
        let leading = [Sample("series_tracked", .none, 12)]
        let withLeading = SampleDerivation.evaluationSamples(previous: before, current: after, leading: leading).map(\.name)
        #expect(withLeading == ["series_tracked"] + names)
    }

    @Test("collector_failed fires with which collector and why")
    func collectorFailedAlert() throws {
        let rule = AlertRule(
            name: "collector_failed", selector: MetricSelector("collector_up"), condition: .below(1), severity: .warning,
            summary: "collector {label:collector} failed: {detail}")
        var engine = AlertEngine(rules: [rule])
        let snapshot = HostSnapshot(
            time: Self.t0, samples: [],
            collectors: [
                CollectorReport(collector: "cgroup", outcome: .failed(reason: "/sys/fs/cgroup/memory.max: not a number"), duration: .zero)
            ])
        let out = engine.evaluate(SampleDerivation.evaluationSamples(previous: nil, current: snapshot), at: Self.t0)
        let notification = try #require(out.first)
        #expect(notification.summary == "collector cgroup failed: /sys/fs/cgroup/memory.max: not a number")
    }
}

@Suite("MessageFormat")
struct MessageFormatTests {
    @Test(
        "values in the unit of their metric",
        arguments: [
            (85.0, "gpu_memory_used_percent", "85.0%"),
            (18.2 * 1024 * 1024 * 1024, "memory_used_bytes", "18.2 GiB"),
            (512, "memory_used_bytes", "512 B"),
            (125, "collector_duration_seconds", "2m5s"),
            (3, "container_oom_kills_total", "3"),
            (0.53, "load1", "0.53"),
            (2, "cpu_count", "2"),
        ])
    func values(value: Double, metric: String, expected: String) {
        #expect(MessageFormat.value(value, metric: metric) == expected)
    }

    @Test(
        "durations for people",
        arguments: [
            (0.0, "0s"), (9.5, "9.5s"), (45, "45s"), (600, "10m"), (3900, "1h5m"), (90000, "1d1h"),
            // Jitter around a whole second reads whole; tenths round to the nearest.
            (2.003, "2s"), (1.999, "2s"), (9.96, "10s"), (0.26, "0.3s"), (0.04, "0s"),
        ])
    func durations(seconds: Double, expected: String) {
        #expect(HumanDuration.format(seconds: seconds) == expected)
    }

    @Test("duration parsing", arguments: [("500ms", 500), ("10s", 10_000), ("5m", 300_000), ("1h30m", 5_400_000), ("2", 2000), ("1.5s", 1500)])
    func parse(text: String, milliseconds: Int64) {
        #expect(HumanDuration.parse(text) == .milliseconds(milliseconds))
    }

    @Test("invalid durations", arguments: ["", "ten", "10x", "-5s", "s", "5 m"])
    func invalid(text: String) {
        #expect(HumanDuration.parse(text) == nil)
    }

    @Test("templates replace known placeholders and keep unknown ones")
    func template() {
        let alert = Alert(
            rule: "gpu_memory_high", severity: .warning, family: "gpu_memory", metric: "gpu_memory_used_percent",
            labels: ["gpu": "0"], condition: .atLeast(80), value: 85, peak: 91, since: Date(timeIntervalSince1970: 0))
        let notification = AlertNotification(kind: .firing, alert: alert, time: Date(timeIntervalSince1970: 12), host: "gpu-01")
        let text = MessageFormat.render(template: "GPU {label:gpu} at {value} (≥ {threshold}) for {for} on {host}, peak {peak} {unknown}", notification)
        #expect(text == "GPU 0 at 85.0% (≥ 80.0%) for 12s on gpu-01, peak 91.0% {unknown}")
        #expect(notification.summary == "gpu_memory_used_percent{gpu=\"0\"} 85.0% ≥ 80.0% for 12s")
    }

    @Test("a GPU's alert names its series by gpu index; the model, UUID and bus id stay in its labels")
    func gpuSubject() {
        let gpu: Labels = ["gpu": "0", "name": "NVIDIA L4", "pci_bus_id": "00000000:01:00.0", "uuid": "GPU-1", "vendor": "nvidia"]
        func summary(_ labels: Labels) -> String {
            let alert = Alert(
                rule: "gpu_memory_critical", severity: .critical, family: "gpu_memory", metric: "gpu_memory_used_percent",
                labels: labels, condition: .atLeast(95), value: 96.1, peak: 96.1, since: Date(timeIntervalSince1970: 0))
            return AlertNotification(kind: .firing, alert: alert, time: Date(timeIntervalSince1970: 0)).summary
        }
        #expect(summary(gpu) == "gpu_memory_used_percent{gpu=\"0\"} 96.1% ≥ 95.0% for 0s")
        let slice = gpu.adding("gpu_instance", "1").adding("compute_instance", "0").adding("uuid", "MIG-2")
        #expect(summary(slice) == "gpu_memory_used_percent{compute_instance=\"0\",gpu=\"0\",gpu_instance=\"1\"} 96.1% ≥ 95.0% for 0s")
        // An AMD card's index is its DRM card number, which an NVIDIA GPU's can equal: its vendor stays.
        let amd: Labels = ["gpu": "0", "name": "AMD Instinct MI210", "pci_bus_id": "0000:03:00.0", "uuid": "AMD-1", "vendor": "amd"]
        #expect(summary(amd) == "gpu_memory_used_percent{gpu=\"0\",vendor=\"amd\"} 96.1% ≥ 95.0% for 0s")
        // Without a gpu label, `name` is what tells the series apart (a container's, in cAdvisor's series).
        let container: Labels = ["name": "k8s_model", "vendor": "x"]
        #expect(summary(container) == "gpu_memory_used_percent{name=\"k8s_model\",vendor=\"x\"} 96.1% ≥ 95.0% for 0s")
        #expect(gpu.shown.pairs.count == 1 && gpu.dictionary.count == 5)
    }

    @Test("fingerprints are stable and label-order independent")
    func fingerprint() {
        let a = Alert.fingerprint(rule: "r", labels: ["a": "1", "b": "2"])
        let b = Alert.fingerprint(rule: "r", labels: Labels([("b", "2"), ("a", "1")]))
        #expect(a == b)
        #expect(a.count == 16)
        #expect(a != Alert.fingerprint(rule: "r", labels: ["a": "1", "b": "3"]))
        #expect(a != Alert.fingerprint(rule: "s", labels: ["a": "1", "b": "2"]))
    }
}

@Suite("InstantCheck")
struct InstantCheckTests {
    @Test("worst severity wins and a family reports only its strongest")
    func status() {
        let samples = [Sample("gpu_memory_used_percent", ["gpu": "0"], 96), Sample("cpu_used_percent", .none, 95)]
        let findings = InstantCheck.findings(rules: [gpuWarn, gpuCrit, cpuOverload], samples: samples)
        #expect(findings.map(\.rule.name) == ["gpu_memory_critical", "cpu_overload"])
        #expect(InstantCheck.status(findings) == .critical)
        #expect(InstantCheck.status([]) == .ok)
        let warnOnly = InstantCheck.findings(rules: [cpuOverload], samples: samples)
        #expect(InstantCheck.status(warnOnly) == .warning)
    }
}
