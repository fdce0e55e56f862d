import Foundation
import HeadroomCore
import Testing

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
        var growth = GPUProcessGrowth()
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
        var growth = GPUProcessGrowth()
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
}
