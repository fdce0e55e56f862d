import HeadroomCore
import Testing

@Suite("dcgm-exporter names read back as Headroom's")
struct DCGMReverseMappingTests {
    static let dcgmLabels: Labels = [
        "gpu": "0", "UUID": "GPU-5eed", "pci_bus_id": "00000000:01:00.0", "device": "nvidia0", "modelName": "NVIDIA L4",
        "Hostname": "gpu-node-7", "DCGM_FI_DRIVER_VERSION": "550.54", "pod": "trainer-0",
    ]
    static let headroomLabels: Labels = ["gpu": "0", "uuid": "GPU-5eed", "pci_bus_id": "00000000:01:00.0", "name": "NVIDIA L4", "vendor": "nvidia"]

    @Test("labels: UUID → uuid, modelName → name, device, Hostname and the rest dropped, vendor nvidia")
    func labels() {
        #expect(DCGMMapping.headroomLabels(Self.dcgmLabels) == Self.headroomLabels)
    }

    @Test("values in Headroom's units, and what the exposition maps forward comes back unchanged")
    func roundTrip() {
        let samples = [
            Sample("gpu_memory_used_bytes", Self.headroomLabels, 12_884_901_888),
            Sample("gpu_memory_free_bytes", Self.headroomLabels, 12_348_030_976),
            Sample("gpu_memory_reserved_bytes", Self.headroomLabels, 536_870_912),
            Sample("gpu_sm_clock_hertz", Self.headroomLabels, 1_980_000_000),
            Sample("gpu_power_watts", Self.headroomLabels, 61.25),
            Sample("gpu_energy_joules_total", Self.headroomLabels, 12_500, kind: .counter),
            Sample("gpu_remapped_rows_total", Self.headroomLabels.adding("type", "uncorrectable"), 1, kind: .counter),
            Sample("gpu_remapped_rows_total", Self.headroomLabels.adding("type", "correctable"), 3, kind: .counter),
        ]
        let dcgm = DCGMMapping.families(samples, hostname: "gpu-node-7").flatMap { family in
            family.series.map { Sample(family.name, $0.labels, $0.value) }
        }
        #expect(dcgm.first { $0.name == "DCGM_FI_DEV_FB_USED" }?.value == 12_288)
        let back = Dictionary(
            DCGMMapping.headroomSamples(dcgm).map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        for sample in samples {
            let value = back[sample.key]
            #expect(value.map { abs($0 - sample.value) <= sample.value * 1e-12 } == true, "\(sample.key): \(String(describing: value))")
        }
        #expect(back[SeriesKey("gpu_memory_total_bytes", Self.headroomLabels)] == 25_769_803_776)
        let percent = back[SeriesKey("gpu_memory_used_percent", Self.headroomLabels)] ?? 0
        #expect(abs(percent - 52.083_333_333) < 1e-6, "(total − free) / total: \(percent)")
        #expect(DCGMMapping.headroomSamples(dcgm).first { $0.name == "gpu_energy_joules_total" }?.kind == .counter)
    }

    @Test("the percentage from used and DCGM_FI_DEV_FB_TOTAL when free is missing")
    func percentFromTotal() {
        let samples = DCGMMapping.headroomSamples([
            Sample("DCGM_FI_DEV_FB_USED", Self.dcgmLabels, 18_432), Sample("DCGM_FI_DEV_FB_TOTAL", Self.dcgmLabels, 24_576),
        ])
        #expect(samples.first { $0.name == "gpu_memory_used_percent" }?.value == 75)
        #expect(samples.first { $0.name == "gpu_memory_total_bytes" }?.value == 25_769_803_776)
        #expect(samples.filter { $0.name == "gpu_memory_total_bytes" }.count == 1)
    }

    @Test("the dcgm-exporter names a rule's metric needs")
    func names() {
        #expect(DCGMMapping.dcgmNames(for: "gpu_memory_used_bytes") == ["DCGM_FI_DEV_FB_USED"])
        #expect(DCGMMapping.dcgmNames(for: "gpu_memory_used_percent").contains("DCGM_FI_DEV_FB_FREE"))
        #expect(DCGMMapping.dcgmNames(for: "gpu_remapped_rows_total").count == 2)
        #expect(DCGMMapping.dcgmNames(for: "memory_available_bytes").isEmpty)
    }
}
