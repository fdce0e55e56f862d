/// The GPU metrics again under dcgm-exporter's names, units and labels, so dashboards and
/// recording rules written for dcgm-exporter (Grafana 12239) work unchanged.
///
/// Labels follow dcgm-exporter's `render_metrics.go`: `gpu`, `UUID`, `pci_bus_id`,
/// `device` (`nvidia<N>`), `modelName`, `Hostname`. Only whole NVIDIA GPUs are mapped
/// (MIG instances and other vendors keep their `headroom_` series only).
public enum DCGMMapping {
    /// One mapping: Headroom metric (with optional label filter) → DCGM field.
    struct Field: Sendable {
        var source: String
        var filter: (label: String, value: String)?
        var name: String
        var type: MetricType
        var scale: Double
        var help: String
    }

    static let mebibyte = 1024.0 * 1024.0

    static let fields: [Field] = [
        Field(source: "gpu_sm_clock_hertz", name: "DCGM_FI_DEV_SM_CLOCK", type: .gauge, scale: 1e-6, help: "SM clock frequency (in MHz)."),
        Field(source: "gpu_memory_clock_hertz", name: "DCGM_FI_DEV_MEM_CLOCK", type: .gauge, scale: 1e-6, help: "Memory clock frequency (in MHz)."),
        Field(source: "gpu_temperature_celsius", name: "DCGM_FI_DEV_GPU_TEMP", type: .gauge, scale: 1, help: "GPU temperature (in C)."),
        Field(source: "gpu_power_watts", name: "DCGM_FI_DEV_POWER_USAGE", type: .gauge, scale: 1, help: "Power draw (in W)."),
        Field(
            source: "gpu_energy_joules_total", name: "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", type: .counter, scale: 1000,
            help: "Total energy consumption since boot (in mJ)."),
        Field(source: "gpu_utilization_percent", name: "DCGM_FI_DEV_GPU_UTIL", type: .gauge, scale: 1, help: "GPU utilization (in %)."),
        Field(source: "gpu_memory_utilization_percent", name: "DCGM_FI_DEV_MEM_COPY_UTIL", type: .gauge, scale: 1, help: "Memory utilization (in %)."),
        Field(source: "gpu_encoder_utilization_percent", name: "DCGM_FI_DEV_ENC_UTIL", type: .gauge, scale: 1, help: "Encoder utilization (in %)."),
        Field(source: "gpu_decoder_utilization_percent", name: "DCGM_FI_DEV_DEC_UTIL", type: .gauge, scale: 1, help: "Decoder utilization (in %)."),
        Field(source: "gpu_memory_free_bytes", name: "DCGM_FI_DEV_FB_FREE", type: .gauge, scale: 1 / mebibyte, help: "Framebuffer memory free (in MiB)."),
        Field(source: "gpu_memory_used_bytes", name: "DCGM_FI_DEV_FB_USED", type: .gauge, scale: 1 / mebibyte, help: "Framebuffer memory used (in MiB)."),
        Field(
            source: "gpu_memory_reserved_bytes", name: "DCGM_FI_DEV_FB_RESERVED", type: .gauge, scale: 1 / mebibyte,
            help: "Framebuffer memory reserved (in MiB)."),
        Field(
            source: "gpu_remapped_rows_total", filter: ("type", "uncorrectable"), name: "DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS", type: .counter, scale: 1,
            help: "Number of remapped rows for uncorrectable errors."),
        Field(
            source: "gpu_remapped_rows_total", filter: ("type", "correctable"), name: "DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS", type: .counter, scale: 1,
            help: "Number of remapped rows for correctable errors."),
        Field(source: "gpu_row_remap_failed", name: "DCGM_FI_DEV_ROW_REMAP_FAILURE", type: .gauge, scale: 1, help: "Whether remapping of rows has failed."),
    ]

    /// The dcgm-compatible families present in `samples`, in dcgm-exporter's field order.
    public static func families(_ samples: [Sample], hostname: String) -> [MetricFamily] {
        var bySource: [String: [Sample]] = [:]
        for sample in samples where sample.name.hasPrefix("gpu_") && sample.labels["vendor"] == "nvidia" && sample.labels["gpu_instance"] == nil {
            bySource[sample.name, default: []].append(sample)
        }
        var out: [MetricFamily] = []
        for field in fields {
            guard let matching = bySource[field.source] else { continue }
            var seen = Set<Labels>()
            var series: [MetricFamily.Series] = []
            for sample in matching {
                if let filter = field.filter, sample.labels[filter.label] != filter.value { continue }
                let labels = dcgmLabels(sample.labels, hostname: hostname)
                guard seen.insert(labels).inserted else { continue }
                series.append(.init(labels, sample.value * field.scale))
            }
            guard !series.isEmpty else { continue }
            series.sort { ($0.labels["gpu"].flatMap { Int($0) } ?? 0) < ($1.labels["gpu"].flatMap { Int($0) } ?? 0) }
            out.append(MetricFamily(name: field.name, help: field.help, type: field.type, series: series))
        }
        return out
    }

    /// dcgm-exporter's label set for one GPU.
    public static func dcgmLabels(_ labels: Labels, hostname: String) -> Labels {
        let gpu = labels["gpu"] ?? "0"
        return Labels([
            ("gpu", gpu),
            ("UUID", labels["uuid"] ?? ""),
            ("pci_bus_id", labels["pci_bus_id"] ?? ""),
            ("device", "nvidia" + gpu),
            ("modelName", labels["name"] ?? ""),
            ("Hostname", hostname),
        ])
    }
}
