import Foundation
import HeadroomCore
import HeadroomTop

/// A two-GPU host with three processes, as the daemon's status lists it.
enum TopFixtures {
    static let gib = 1_073_741_824.0

    static func gpu(_ index: String, _ name: String, _ metric: String, _ value: Double, _ extra: [(String, String)] = []) -> Sample {
        Sample(metric, Labels([("gpu", index), ("name", name), ("uuid", "GPU-\(index)"), ("vendor", "nvidia")] + extra), value)
    }

    static var samples: [Sample] {
        [
            gpu("0", "NVIDIA L4", "gpu_memory_used_bytes", 19 * gib),
            gpu("0", "NVIDIA L4", "gpu_memory_reserved_bytes", 0.5 * gib),
            gpu("0", "NVIDIA L4", "gpu_memory_total_bytes", 24 * gib),
            gpu("0", "NVIDIA L4", "gpu_memory_used_percent", 81.25),
            gpu("0", "NVIDIA L4", "gpu_utilization_percent", 87),
            gpu("0", "NVIDIA L4", "gpu_temperature_celsius", 86),
            gpu("0", "NVIDIA L4", "gpu_temperature_slowdown_celsius", 90),
            gpu("0", "NVIDIA L4", "gpu_power_watts", 30),
            gpu("0", "NVIDIA L4", "gpu_power_limit_watts", 72),
            gpu("0", "NVIDIA L4", "gpu_clock_event_active", 1, [("reason", "hw_thermal_slowdown"), ("class", "thermal")]),
            gpu("0", "NVIDIA L4", "gpu_clock_event_active", 1, [("reason", "gpu_idle"), ("class", "info")]),
            gpu("0", "NVIDIA L4", "gpu_clock_event_active", 0, [("reason", "sw_power_cap"), ("class", "power_cap")]),
            gpu("0", "NVIDIA L4", "gpu_process_memory_used_bytes", 12 * gib, [("pid", "4242"), ("command", "python3"), ("container", "vllm")]),
            gpu("0", "NVIDIA L4", "gpu_process_memory_used_bytes", 6 * gib, [("pid", "77"), ("command", "tritonserver")]),
            gpu("1", "NVIDIA A100-SXM4-80GB", "gpu_memory_used_bytes", 1 * gib),
            gpu("1", "NVIDIA A100-SXM4-80GB", "gpu_memory_total_bytes", 80 * gib),
            gpu("1", "NVIDIA A100-SXM4-80GB", "gpu_utilization_percent", 3),
            gpu("1", "NVIDIA A100-SXM4-80GB", "gpu_process_memory_used_bytes", 1 * gib, [("pid", "9001"), ("command", "ollama")]),
            Sample("cpu_used_percent", .none, 23.4),
            Sample("memory_used_bytes", .none, 45 * gib),
            Sample("memory_total_bytes", .none, 256 * gib),
            Sample("memory_used_percent", .none, 17.6),
            Sample("load1", .none, 3.2),
            Sample("load5", .none, 2.9),
            Sample("load15", .none, 2.5),
        ]
    }

    static let now = 1_800_000_000.0

    static func status(_ samples: [Sample] = samples) -> TopStatus {
        TopStatus(
            hostname: "gpu-node-1", time: Date(timeIntervalSince1970: now), intervalSeconds: 5, firingAlerts: 1,
            collectors: [TopStatus.CollectorHealth(name: "nvml", ok: true)], samples: samples)
    }

    static let alert = TopAlert(
        rule: "gpu_memory_high", severity: .warning, metric: "gpu_memory_used_percent",
        labels: Labels([("gpu", "0"), ("name", "NVIDIA L4"), ("uuid", "GPU-0")]), value: 81.25, threshold: 80,
        since: Date(timeIntervalSince1970: now - 90))

    static var history: TopHistory {
        var history = TopHistory()
        for step in 0..<60 {
            let time = now - 600 + Double(step) * 10
            history.record(
                [
                    gpu("0", "NVIDIA L4", "gpu_memory_used_bytes", Double(step) / 60 * 19 * gib),
                    gpu("0", "NVIDIA L4", "gpu_utilization_percent", Double(step % 10) * 10),
                    Sample("cpu_used_percent", .none, 20),
                ], at: time, keep: 86_400)
        }
        return history
    }

    static func frame(
        status: TopStatus? = status(), alerts: [TopAlert] = [alert], source: TopFrame.Source = .daemon(url: "http://127.0.0.1:19400"),
        rules: [AlertRule] = markRules
    ) -> TopFrame {
        TopFrame(
            source: source, status: status, alerts: alerts, history: history, historySource: .daemon, instant: now, interval: 5,
            range: .fifteenMinutes, rules: rules)
    }

    static let markRules = [
        AlertRule(name: "gpu_memory_high", selector: MetricSelector("gpu_memory_used_percent"), condition: .atLeast(80), severity: .warning),
        AlertRule(name: "gpu_memory_critical", selector: MetricSelector("gpu_memory_used_percent"), condition: .atLeast(95), severity: .critical),
    ]
}
