import Foundation
import HeadroomCore
import Testing

@Suite("Prometheus exposition")
struct PrometheusExpositionTests {
    static let gpuLabels: Labels = ["gpu": "0", "uuid": "GPU-5eed", "name": "NVIDIA L4", "pci_bus_id": "00000000:01:00.0", "vendor": "nvidia"]
    static let samples: [Sample] = [
        Sample("memory_used_percent", .none, 42.5),
        Sample("gpu_memory_used_bytes", gpuLabels, 20 * 1024 * 1024 * 1024),
        Sample("gpu_memory_used_percent", gpuLabels, 96),
        Sample("gpu_power_watts", gpuLabels, 30.25),
        Sample("gpu_sm_clock_hertz", gpuLabels, 1_980_000_000),
        Sample("gpu_energy_joules_total", gpuLabels, 12.5, kind: .counter),
        Sample("container_oom_kills_total", ["cgroup": "/a\"b\\c"], 3, kind: .counter),
    ]

    static func input(alerts: [Alert] = []) -> ExpositionInput {
        ExpositionInput(samples: samples, firingAlerts: alerts, hostname: "gpu-01", sampleTime: Date(timeIntervalSince1970: 1_800_000_000))
    }

    @Test("every sample is headroom_<name> with HELP and TYPE; counters are counters; label values are escaped")
    func prometheusText() {
        let page = PrometheusExposition.render(Self.input(), format: .prometheusText)
        #expect(page.contains("# HELP headroom_memory_used_percent Host memory in use"))
        #expect(page.contains("# TYPE headroom_memory_used_percent gauge\nheadroom_memory_used_percent 42.5\n"))
        #expect(page.contains("# TYPE headroom_container_oom_kills_total counter\n"))
        #expect(page.contains(#"headroom_container_oom_kills_total{cgroup="/a\"b\\c"} 3"#))
        #expect(
            page.contains(
                #"headroom_gpu_memory_used_bytes{gpu="0",name="NVIDIA L4",pci_bus_id="00000000:01:00.0",uuid="GPU-5eed",vendor="nvidia"} 21474836480"#))
        #expect(page.contains("headroom_last_sample_timestamp_seconds 1800000000\n"))
        #expect(!page.contains("# EOF"))
    }

    @Test("OpenMetrics: counter families drop _total on the TYPE line, samples keep it; the page ends with # EOF")
    func openMetrics() {
        let page = PrometheusExposition.render(Self.input(), format: .openMetrics)
        #expect(page.contains("# TYPE headroom_container_oom_kills counter\nheadroom_container_oom_kills_total{"))
        #expect(page.hasSuffix("# EOF\n"))
    }

    @Test("GPU metrics also appear under dcgm-exporter names, units and labels")
    func dcgm() {
        let page = PrometheusExposition.render(Self.input(), format: .prometheusText)
        // dcgm-exporter's label set, written out by hand in byte order of the names (the
        // renderer sorts them; Prometheus does not care about the order).
        let sorted = #"{Hostname="gpu-01",UUID="GPU-5eed",device="nvidia0",gpu="0",modelName="NVIDIA L4",pci_bus_id="00000000:01:00.0"}"#
        #expect(page.contains("# TYPE DCGM_FI_DEV_FB_USED gauge\nDCGM_FI_DEV_FB_USED\(sorted) 20480\n"), "MiB")
        #expect(page.contains("DCGM_FI_DEV_POWER_USAGE\(sorted) 30.25\n"), "W")
        #expect(page.contains("DCGM_FI_DEV_SM_CLOCK\(sorted) 1980\n"), "MHz")
        #expect(page.contains("# TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION counter\nDCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION\(sorted) 12500\n"), "mJ")
    }

    @Test("AMD GPUs and MIG instances keep only their headroom_ series")
    func dcgmOnlyWholeNVIDIA() {
        let amd = Sample("gpu_memory_used_bytes", ["gpu": "0", "vendor": "amd"], 1)
        let mig = Sample("gpu_memory_used_bytes", Self.gpuLabels.adding("gpu_instance", "1"), 1)
        #expect(DCGMMapping.families([amd, mig], hostname: "h").isEmpty)
    }

    @Test("firing alerts appear as headroom_alerts{alertname, alertstate, severity, series labels} 1")
    func alerts() {
        let alert = Alert(
            rule: "gpu_memory_critical", severity: .critical, family: "gpu_memory", metric: "gpu_memory_used_percent",
            labels: ["gpu": "0"], condition: .atLeast(95), value: 96, peak: 96, since: Date(timeIntervalSince1970: 0))
        let page = PrometheusExposition.render(Self.input(alerts: [alert]), format: .prometheusText)
        #expect(page.contains(#"headroom_alerts{alertname="gpu_memory_critical",alertstate="firing",gpu="0",severity="critical"} 1"#))
    }

    @Test(
        "values print as Prometheus does",
        arguments: [(1.0, "1"), (0.5, "0.5"), (-3, "-3"), (.nan, "NaN"), (.infinity, "+Inf"), (-.infinity, "-Inf"), (1e20, "1e+20")])
    func numbers(value: Double, text: String) {
        #expect(PrometheusExposition.number(value) == text)
    }

    @Test(
        "Accept negotiation: OpenMetrics only when asked for with a non-zero quality",
        arguments: [
            (nil, ExpositionFormat.prometheusText),
            ("text/plain", .prometheusText),
            ("application/openmetrics-text; version=1.0.0; charset=utf-8", .openMetrics),
            ("application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3,*/*;q=0.1", .openMetrics),
            ("application/openmetrics-text;q=0,text/plain", .prometheusText),
        ] as [(String?, ExpositionFormat)])
    func negotiation(accept: String?, expected: ExpositionFormat) {
        #expect(ExpositionFormat.negotiate(accept: accept) == expected)
    }

    @Test("help sentences: written ones, and derived ones naming the unit")
    func help() {
        #expect(MetricHelp.sentence(for: "gpu_power_watts") == "GPU power, in watts.")
        #expect(MetricHelp.sentence(for: "container_oom_kills_total") == "Container OOM kills, in a count since start (counter).")
    }
}
