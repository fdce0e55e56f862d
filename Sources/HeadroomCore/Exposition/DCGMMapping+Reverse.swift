/// dcgm-exporter's series read back as Headroom's: the inverse of `DCGMMapping.fields`, for
/// replaying range data from a Prometheus that scrapes dcgm-exporter (`headroom backtest
/// --source http://…`). Names, units (MiB → bytes, MHz → Hz, mJ → J) and labels (`UUID` →
/// `uuid`, `modelName` → `name`) go back to Headroom's, and the memory percentage the rules
/// watch is derived from the framebuffer fields, as the GPU collector derives it from NVML.
extension DCGMMapping {
    /// One dcgm-exporter field and the Headroom series it carries.
    public struct ReverseField: Sendable, Hashable {
        /// dcgm-exporter's name (`DCGM_FI_DEV_FB_USED`).
        public var dcgmName: String
        /// Headroom's metric name (`gpu_memory_used_bytes`).
        public var metric: String
        /// Labels the Headroom series carries that dcgm-exporter puts in the name
        /// (`type="uncorrectable"` for the remapped rows).
        public var labels: Labels
        /// Headroom's value is dcgm-exporter's divided by this (the forward scale).
        public var scale: Double
        /// Counter or gauge, as the forward field.
        public var kind: SampleKind
    }

    /// Framebuffer total, which dcgm-exporter can export and Headroom does not serve under
    /// dcgm's names (Headroom's total is `gpu_memory_total_bytes`).
    static let framebufferTotal = "DCGM_FI_DEV_FB_TOTAL"

    /// dcgm-exporter's name → Headroom's series: every forward field inverted, plus the
    /// framebuffer total.
    public static let reverseFields: [String: ReverseField] = {
        var table: [String: ReverseField] = [:]
        for field in fields {
            let labels = field.filter.map { Labels([($0.label, $0.value)]) } ?? .none
            table[field.name] = ReverseField(
                dcgmName: field.name, metric: field.source, labels: labels, scale: field.scale,
                kind: field.type == .counter ? .counter : .gauge)
        }
        table[framebufferTotal] = ReverseField(dcgmName: framebufferTotal, metric: "gpu_memory_total_bytes", labels: .none, scale: 1 / mebibyte, kind: .gauge)
        return table
    }()

    /// dcgm-exporter's label names → Headroom's. Every other label (`device`, `Hostname`,
    /// `DCGM_FI_DRIVER_VERSION`, Kubernetes' `pod`/`namespace`/`container`) is dropped, so a
    /// GPU is one series as on the daemon and a rule's label matchers work unchanged.
    public static let reverseLabelNames: [String: String] = ["gpu": "gpu", "UUID": "uuid", "modelName": "name", "pci_bus_id": "pci_bus_id"]

    /// The metrics derived from the framebuffer fields when dcgm-exporter's series are all
    /// there is, and the fields they are derived from.
    static let derivedMetrics: Set<String> = ["gpu_memory_used_percent", "gpu_memory_total_bytes"]
    static let framebufferFields = ["DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_FB_FREE", "DCGM_FI_DEV_FB_RESERVED", framebufferTotal]

    /// The dcgm-exporter names to read for a rule that watches Headroom's `metric` (none for
    /// metrics dcgm-exporter does not have).
    public static func dcgmNames(for metric: String) -> [String] {
        if derivedMetrics.contains(metric) { return framebufferFields }
        return reverseFields.values.filter { $0.metric == metric }.map(\.dcgmName).sorted()
    }

    /// Headroom's label set for a dcgm-exporter series: its labels renamed, the rest dropped,
    /// and `vendor="nvidia"` (dcgm-exporter reads NVIDIA GPUs only).
    public static func headroomLabels(_ labels: Labels) -> Labels {
        var pairs: [(String, String)] = [("vendor", "nvidia")]
        for pair in labels.pairs {
            if let name = reverseLabelNames[pair.name] { pairs.append((name, pair.value)) }
        }
        return Labels(pairs)
    }

    /// One round of dcgm-exporter samples (named and labelled as scraped) as Headroom's
    /// samples; series that are not dcgm-exporter fields are left out. Per GPU,
    /// `gpu_memory_total_bytes` (used + free + reserved, unless `DCGM_FI_DEV_FB_TOTAL` is
    /// there) and `gpu_memory_used_percent` ((total − free) / total × 100, as the GPU
    /// collector computes it) are derived when the framebuffer fields allow.
    public static func headroomSamples(_ samples: [Sample]) -> [Sample] {
        var out: [Sample] = []
        var framebuffer: [Labels: [String: Double]] = [:]
        var order: [Labels] = []
        for sample in samples {
            guard let field = reverseFields[sample.name] else { continue }
            var labels = headroomLabels(sample.labels)
            for pair in field.labels.pairs { labels[pair.name] = pair.value }
            let value = sample.value / field.scale
            if framebufferFields.contains(sample.name) {
                if framebuffer[labels] == nil { order.append(labels) }
                framebuffer[labels, default: [:]][sample.name] = value
                if sample.name == framebufferTotal { continue } // added below, once per GPU
            }
            out.append(Sample(field.metric, labels, value, kind: field.kind))
        }
        for labels in order {
            let fields = framebuffer[labels]!
            let used = fields["DCGM_FI_DEV_FB_USED"]
            let free = fields["DCGM_FI_DEV_FB_FREE"]
            let reserved = fields["DCGM_FI_DEV_FB_RESERVED"] ?? 0
            let total: Double? = fields[framebufferTotal] ?? used.flatMap { used in free.map { used + $0 + reserved } }
            guard let total else { continue }
            out.append(Sample("gpu_memory_total_bytes", labels, total))
            guard total > 0 else { continue }
            let unavailable: Double
            if let free {
                unavailable = max(0, total - free)
            } else if let used {
                unavailable = min(total, used + reserved)
            } else {
                continue
            }
            out.append(Sample("gpu_memory_used_percent", labels, min(100, max(0, unavailable / total * 100))))
        }
        return out
    }
}
