import Foundation
import HeadroomCore
import HeadroomTesting
import Testing

/// Feeds rounds to a `GPUProcessGrowth` as the alert center does: the samples' layout, the
/// one before while their series stay the same.
struct GrowthAnnotator {
    var growth = GPUProcessGrowth()
    var layout: SeriesLayout?
    /// A fresh layout every round (the slow path each time) instead of the one before.
    var freshLayouts = false

    mutating func annotate(_ samples: [Sample], at now: Date) -> [Sample] {
        var samples = samples
        let layout = SeriesLayout.of(samples, reusing: freshLayouts ? nil : self.layout)
        self.layout = layout
        growth.annotate(&samples, layout: layout, at: now)
        return samples
    }
}

@Suite("GPU process growth")
struct GPUProcessGrowthTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let mib = 1024.0 * 1024
    static let gpu: [(String, String)] = [("gpu", "0"), ("uuid", "GPU-a")]

    static func round(_ step: Int, facefusion: Double, other: Double = 512 * mib) -> [Sample] {
        [
            Sample("gpu_memory_used_percent", Labels(gpu), 80),
            Sample("gpu_memory_total_bytes", Labels(gpu), 24 * 1024 * mib),
            Sample(
                "gpu_process_memory_used_bytes", Labels(gpu + [("pid", "4242"), ("command", "python facefusion.py"), ("container", "0b8f1c6e2d4a")]), facefusion
            ),
            Sample("gpu_process_memory_used_bytes", Labels(gpu + [("pid", "77"), ("command", "tritonserver")]), other),
            Sample("gpu_memory_used_percent", Labels([("gpu", "1"), ("uuid", "GPU-b")]), 10),
        ]
    }

    @Test("the memory series name the top holders, biggest first, with growth once it can be fitted")
    func annotates() {
        var growth = GrowthAnnotator()
        var out: [Sample] = []
        // 120 MiB/min = 20 MiB per 10 s, over a minute.
        for step in 0...6 {
            out = growth.annotate(
                Self.round(step, facefusion: 18 * 1024 * Self.mib + Double(step) * 20 * Self.mib), at: Self.t0.addingTimeInterval(Double(step) * 10))
        }
        let detail = out.first { $0.name == "gpu_memory_used_percent" && $0.labels["uuid"] == "GPU-a" }?.detail
        #expect(detail == "pid 4242 python facefusion.py holds 18.1 GiB, +120.0 MiB/min (container 0b8f1c6e2d4a); pid 77 tritonserver holds 512.0 MiB")
        // Other GPUs and other metrics are untouched.
        #expect(out.first { $0.labels["uuid"] == "GPU-b" }?.detail == nil)
        #expect(out.first { $0.name == "gpu_memory_total_bytes" }?.detail == nil)
    }

    @Test("no growth figure until 30 s of history; steady processes get none; gone processes are forgotten")
    func growthNeedsHistory() {
        var growth = GrowthAnnotator()
        let first = growth.annotate(Self.round(0, facefusion: 1024 * Self.mib), at: Self.t0)
        #expect(first.first?.detail == "pid 4242 python facefusion.py holds 1.0 GiB (container 0b8f1c6e2d4a); pid 77 tritonserver holds 512.0 MiB")
        for step in 1...6 {
            _ = growth.annotate(Self.round(step, facefusion: 1024 * Self.mib), at: Self.t0.addingTimeInterval(Double(step) * 10))
        }
        let steady = growth.annotate(Self.round(7, facefusion: 1024 * Self.mib), at: Self.t0.addingTimeInterval(70))
        #expect(steady.first?.detail?.contains("/min") == false)
        // A round without processes leaves the samples alone.
        let none = growth.annotate([Sample("gpu_memory_used_percent", Labels(Self.gpu), 80)], at: Self.t0.addingTimeInterval(80))
        #expect(none.first?.detail == nil)
    }

    @Test("memory let go starts the growth afresh: no growth is named across the fall, and a small dip keeps it")
    func releaseRestartsGrowth() {
        var growth = GrowthAnnotator()
        func detail(_ step: Int, _ bytes: Double) -> String? {
            Self.detail(growth.annotate(Self.round(step, facefusion: bytes), at: Self.t0.addingTimeInterval(Double(step) * 10)))
        }
        // Growing 120 MiB/min from 18 GiB for a minute.
        for step in 0...5 { _ = detail(step, 18 * 1024 * Self.mib + Double(step) * 20 * Self.mib) }
        #expect(detail(6, 18 * 1024 * Self.mib + 120 * Self.mib)?.contains("+120.0 MiB/min") == true)
        // A dip of 5 % is still the same run of growth.
        #expect(detail(7, 17.2 * 1024 * Self.mib)?.contains("MiB/min") == true)
        // The job lets 15 GiB go: no rate until 30 s of the new level have been seen.
        #expect(
            detail(8, 2 * 1024 * Self.mib)
                == "pid 4242 python facefusion.py holds 2.0 GiB (container 0b8f1c6e2d4a); pid 77 tritonserver holds 512.0 MiB")
        for step in 9...10 { #expect(detail(step, 2 * 1024 * Self.mib + Double(step - 8) * 20 * Self.mib)?.contains("/min") == false) }
        #expect(detail(11, 2 * 1024 * Self.mib + 60 * Self.mib)?.contains("holds 2.1 GiB, +120.0 MiB/min") == true)
    }

    @Test("a trend's capacity is taken from the series whose labels are a subset of the usage series'")
    func capacityBySubset() throws {
        let rule = AlertRule(
            name: "leak", selector: MetricSelector("gpu_process_memory_used_bytes"),
            condition: .trend(
                TrendCondition(
                    capacity: .metric("gpu_memory_total_bytes"), window: .seconds(600),
                    exhaustionWithin: .seconds(3600), minimumR2: 0.8)),
            severity: .warning)
        var engine = AlertEngine(rules: [rule])
        var fired: [AlertNotification] = []
        for step in 0...20 {
            let samples = Self.round(step, facefusion: 8 * 1024 * Self.mib + Double(step) * 200 * Self.mib)
            fired += engine.evaluate(samples, at: Self.t0.addingTimeInterval(Double(step) * 30))
        }
        let alert = try #require(fired.first?.alert)
        #expect(alert.labels["pid"] == "4242")
        #expect(alert.trend?.capacity == 24 * 1024 * Self.mib)
        // The steady process never fires.
        #expect(!fired.contains { $0.alert.labels["pid"] == "77" })
    }

    static func detail(_ samples: [Sample], gpu uuid: String = "GPU-a") -> String? {
        samples.first { $0.name == "gpu_memory_used_percent" && $0.labels["uuid"] == uuid }?.detail
    }

    @Test("a process keeps its window across rounds whose series change, and starts afresh after a round without it")
    func windowsFollowTheLayout() {
        var growth = GrowthAnnotator()
        let newcomer = Sample("gpu_process_memory_used_bytes", Labels(Self.gpu + [("pid", "9"), ("command", "worker")]), 64 * Self.mib)
        var details: [String?] = []
        // 120 MiB/min for facefusion and tritonserver alike; a worker joins at 60 s (a new
        // layout), tritonserver leaves at 70 s and is back at 80 s.
        for step in 0...10 {
            let time = Double(step) * 10
            var samples = Self.round(step, facefusion: 1024 * Self.mib + time * 2 * Self.mib, other: 512 * Self.mib + time * 2 * Self.mib)
            if step >= 6 { samples.append(newcomer) }
            if step == 7 { samples.remove(at: 3) }
            details.append(Self.detail(growth.annotate(samples, at: Self.t0.addingTimeInterval(time))))
        }
        #expect(
            details[5]
                == "pid 4242 python facefusion.py holds 1.1 GiB, +120.0 MiB/min (container 0b8f1c6e2d4a); pid 77 tritonserver holds 612.0 MiB, +120.0 MiB/min")
        // The newcomer changes the layout: the others' windows are taken over.
        #expect(
            details[6]
                == "pid 4242 python facefusion.py holds 1.1 GiB, +120.0 MiB/min (container 0b8f1c6e2d4a); pid 77 tritonserver holds 632.0 MiB, +120.0 MiB/min; pid 9 worker holds 64.0 MiB"
        )
        #expect(details[7] == "pid 4242 python facefusion.py holds 1.1 GiB, +120.0 MiB/min (container 0b8f1c6e2d4a); pid 9 worker holds 64.0 MiB")
        // Back after a round away: its old points are gone, so no figure until 30 s of new ones.
        #expect(
            details[8]
                == "pid 4242 python facefusion.py holds 1.2 GiB, +120.0 MiB/min (container 0b8f1c6e2d4a); pid 77 tritonserver holds 672.0 MiB; pid 9 worker holds 64.0 MiB"
        )
    }

    @Test("reading by position (the layout of the round before) says what matching every series afresh says")
    func sameLayoutSameText() {
        var reused = GrowthAnnotator()
        var fresh = GrowthAnnotator(freshLayouts: true)
        var rng = SplitMix64(seed: 11)
        for step in 0...40 {
            var samples = Self.round(
                step, facefusion: 1024 * Self.mib + Double(step) * 20 * Self.mib, other: Double(rng.next() % 2048) * Self.mib)
            // A collector's own detail is kept; the series change now and then.
            samples[0].detail = step % 9 == 0 ? "driver says: ECC pending" : nil
            if step % 13 == 5 { samples.removeLast() }
            let time = Self.t0.addingTimeInterval(Double(step) * 10)
            let a = reused.annotate(samples, at: time)
            let b = fresh.annotate(samples, at: time)
            #expect(a.map(\.detail) == b.map(\.detail), "step \(step)")
            if step % 9 == 0 { #expect(a[0].detail == "driver says: ECC pending") }
        }
        #expect(
            Self.detail(reused.annotate(Self.round(41, facefusion: 1024 * Self.mib + 820 * Self.mib), at: Self.t0.addingTimeInterval(410)))?.contains(
                "+120.0 MiB/min") == true)
    }
}
