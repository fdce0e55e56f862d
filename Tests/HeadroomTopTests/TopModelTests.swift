import HeadroomCore
import HeadroomTop
import Testing

@Suite("The model of one round")
struct TopModelTests {
    @Test("GPUs in index order with memory, utilisation, temperature, power, throttling classes and processes")
    func gpus() throws {
        let model = TopModel(samples: TopFixtures.samples)
        #expect(model.gpus.map(\.index) == ["0", "1"])
        let gpu = model.gpus[0]
        #expect(gpu.name == "NVIDIA L4")
        #expect(gpu.memoryTaken == 19.5 * TopFixtures.gib)
        #expect(gpu.memoryFraction == 0.8125)
        #expect(gpu.utilization == 87)
        #expect(gpu.temperature == 86)
        #expect(gpu.powerLimit == 72)
        #expect(gpu.throttles == ["thermal"], "active, and not the informational idle")
        #expect(gpu.processes.map(\.pid) == [4242, 77])
        #expect(gpu.processes[0].container == "vllm")
        #expect(gpu.identity["uuid"] == "GPU-0")
        #expect(model.gpus[1].memoryFraction == 1.0 / 80, "no percent sample: taken over total")
        #expect(model.processes.count == 3)
    }

    @Test("GPU 10 sorts after GPU 2; a MIG instance's series does not replace the whole GPU's")
    func ordering() {
        let samples = [
            TopFixtures.gpu("10", "H100", "gpu_memory_used_bytes", 1),
            TopFixtures.gpu("2", "H100", "gpu_memory_used_bytes", 5, [("mig", "1g.10gb")]),
            TopFixtures.gpu("2", "H100", "gpu_memory_used_bytes", 7),
            TopFixtures.gpu("2", "H100", "gpu_memory_used_bytes", 9, [("mig", "2g.20gb")]),
        ]
        let model = TopModel(samples: samples)
        #expect(model.gpus.map(\.index) == ["2", "10"])
        #expect(model.gpus[0].memoryUsed == 7)
    }

    @Test("host CPU, memory and load; the container's memory; pressure of the container's scope first")
    func host() {
        let samples =
            TopFixtures.samples + [
                Sample("container_memory_usage_bytes", .none, 8 * TopFixtures.gib),
                Sample("container_memory_limit_bytes", .none, 16 * TopFixtures.gib),
                Sample("container_oom_kills_total", .none, 1, kind: .counter),
                Sample("pressure_avg10_percent", Labels([("kind", "some"), ("resource", "memory"), ("scope", "host")]), 9),
                Sample("pressure_avg10_percent", Labels([("kind", "some"), ("resource", "memory"), ("scope", "container")]), 4),
                Sample("pressure_avg10_percent", Labels([("kind", "full"), ("resource", "memory"), ("scope", "container")]), 2),
                Sample("pressure_avg10_percent", Labels([("kind", "some"), ("resource", "cpu"), ("scope", "container")]), 1.5),
            ]
        let host = TopModel(samples: samples).host
        #expect(host.cpuPercent == 23.4)
        #expect(host.memoryTotal == 256 * TopFixtures.gib)
        #expect(host.load == [3.2, 2.9, 2.5])
        #expect(host.container == ContainerView(usage: 8 * TopFixtures.gib, limit: 16 * TopFixtures.gib, oomKills: 1))
        #expect(host.pressure == [PressureReading(resource: "cpu", percent: 1.5), PressureReading(resource: "memory", percent: 4)])
        #expect(TopModel(samples: TopFixtures.samples).host.container == nil)
    }

    @Test("the marks are the lowest warning and critical thresholds of the rules that match the GPU")
    func marks() throws {
        let rules =
            TopFixtures.markRules + [
                AlertRule(
                    name: "a100_only", selector: MetricSelector("gpu_memory_used_percent", [.init("name", .equal, "A100")]),
                    condition: .above(50), severity: .warning),
                AlertRule(name: "low", selector: MetricSelector("gpu_memory_used_percent"), condition: .below(5), severity: .critical),
                AlertRule(name: "other", selector: MetricSelector("gpu_utilization_percent"), condition: .above(10), severity: .critical),
            ]
        let gpu = try #require(TopModel(samples: TopFixtures.samples).gpus.first)
        #expect(MemoryMarks.from(rules, labels: gpu.identity) == MemoryMarks(warning: 80, critical: 95))
        #expect(MemoryMarks.from(rules, labels: Labels([("gpu", "3"), ("name", "A100")])) == MemoryMarks(warning: 50, critical: 95))
        #expect(MemoryMarks.from([], labels: gpu.identity) == MemoryMarks())
    }
}
