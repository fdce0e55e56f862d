public import HeadroomCore

extension GPUReading {
    /// The series of this reading. Names carry their unit (README "GPU metrics").
    public var samples: [Sample] {
        var out: [Sample] = []
        appendSamples(to: &out, labels: GPULabelSets(identity))
        return out
    }

    /// Appends the series of this reading to `out`, with label sets built for its identity
    /// (a collector keeps them from round to round: `GPUSnapshot.samples(labelSets:)`).
    public func appendSamples(to out: inout [Sample], labels sets: GPULabelSets) {
        assert(sets.identity == identity, "label sets of another GPU")
        let labels = sets.base
        func gauge(_ name: String, _ value: Double?, _ extra: Labels? = nil, detail: String? = nil) {
            guard let value else { return }
            out.append(Sample(name, extra ?? labels, value, detail: detail))
        }
        func counter(_ name: String, _ value: Double?, _ extra: Labels? = nil, detail: String? = nil) {
            guard let value else { return }
            out.append(Sample(name, extra ?? labels, value, kind: .counter, detail: detail))
        }
        // A GPU that is up but refused its process list says why here (the status API shows it).
        gauge("gpu_up", up ? 1 : 0, detail: problem ?? processesProblem)
        guard up else { return }

        gauge("gpu_memory_total_bytes", memoryTotal)
        gauge("gpu_memory_used_bytes", memoryUsed)
        gauge("gpu_memory_reserved_bytes", memoryReserved)
        gauge("gpu_memory_free_bytes", memoryFree)
        gauge("gpu_memory_used_percent", memoryUsedPercent)
        gauge("gpu_utilization_percent", utilization)
        gauge("gpu_memory_utilization_percent", memoryUtilization)
        gauge("gpu_encoder_utilization_percent", encoderUtilization)
        gauge("gpu_decoder_utilization_percent", decoderUtilization)
        gauge("gpu_temperature_celsius", temperature)
        gauge("gpu_temperature_slowdown_celsius", temperatureSlowdown)
        gauge("gpu_temperature_shutdown_celsius", temperatureShutdown)
        if let temperature, let temperatureSlowdown {
            // What the "near slowdown" rule watches: degrees left before the GPU slows itself.
            gauge("gpu_temperature_slowdown_margin_celsius", temperatureSlowdown - temperature)
        }
        gauge("gpu_power_watts", power)
        gauge("gpu_power_limit_watts", powerLimit)
        counter("gpu_energy_joules_total", energy)
        gauge("gpu_fan_speed_percent", fanSpeed)
        gauge("gpu_sm_clock_hertz", smClock)
        gauge("gpu_memory_clock_hertz", memoryClock)
        gauge("gpu_performance_state", performanceState)
        if let clockEventReasons {
            for (reason, extra) in zip(ClockEventReason.all, sets.clockEvents) {
                gauge("gpu_clock_event_active", clockEventReasons & reason.bit != 0 ? 1 : 0, extra)
            }
        }
        if let eccEnabled { gauge("gpu_ecc_enabled", eccEnabled ? 1 : 0) }
        counter("gpu_ecc_errors_total", eccCorrected, sets.ecc[0])
        counter("gpu_ecc_errors_total", eccUncorrected, sets.ecc[1])
        counter("gpu_remapped_rows_total", remappedRowsCorrectable, sets.remappedRows[0])
        counter("gpu_remapped_rows_total", remappedRowsUncorrectable, sets.remappedRows[1])
        if let rowRemapPending { gauge("gpu_row_remap_pending", rowRemapPending ? 1 : 0) }
        if let rowRemapFailed { gauge("gpu_row_remap_failed", rowRemapFailed ? 1 : 0) }
        if let migEnabled { gauge("gpu_mig_enabled", migEnabled ? 1 : 0) }
        if let xidCounts {
            for (kind, extra) in zip(XidCatalog.classes, sets.xid) {
                counter(
                    "gpu_xid_errors_total", xidCounts[kind] ?? 0, extra,
                    detail: lastXidByClass?[kind].map(XidCatalog.describe))
            }
            gauge("gpu_last_xid", Double(lastXid ?? 0), detail: lastXidDescription)
        }
        if let processes {
            gauge("gpu_processes", Double(processes.count), detail: attributionProblem)
            for process in processes {
                var extra = labels
                extra["pid"] = String(process.pid)
                extra["command"] = process.command
                if let cgroup = process.cgroup { extra["cgroup"] = cgroup }
                if let container = process.container { extra["container"] = container }
                if let podUID = process.podUID { extra["pod_uid"] = podUID }
                gauge("gpu_process_memory_used_bytes", process.usedBytes, extra)
            }
        }
    }
}

/// The label sets of one GPU's series. They depend on its identity alone, so a collector
/// keeps them per GPU rather than building them for every series of every round (each set of
/// a clock event reason, ECC or Xid class was the GPU's labels copied with one or two labels
/// inserted: with 8 GPUs at 100 ms, building the series took a tenth of the round's thread).
public struct GPULabelSets: Sendable {
    public let identity: GPUReading.Identity
    /// `gpu`, `uuid`, `name`, `pci_bus_id`, `vendor` (and the MIG instance's ids).
    let base: Labels
    /// By `ClockEventReason.all`: with `reason` and `class`.
    let clockEvents: [Labels]
    /// `type`: corrected, uncorrected.
    let ecc: [Labels]
    /// `type`: correctable, uncorrectable.
    let remappedRows: [Labels]
    /// By `XidCatalog.classes`: with `class`.
    let xid: [Labels]

    public init(_ identity: GPUReading.Identity) {
        self.identity = identity
        var pairs: [(String, String)] = [
            ("gpu", String(identity.index)), ("uuid", identity.uuid), ("name", identity.name),
            ("pci_bus_id", identity.pciBusID), ("vendor", identity.vendor),
        ]
        if let gpuInstance = identity.gpuInstance { pairs.append(("gpu_instance", String(gpuInstance))) }
        if let computeInstance = identity.computeInstance { pairs.append(("compute_instance", String(computeInstance))) }
        let base = Labels(pairs)
        func with(_ extra: (String, String)...) -> Labels {
            var labels = base
            for (name, value) in extra { labels[name] = value }
            return labels
        }
        self.base = base
        clockEvents = ClockEventReason.all.map { with(("reason", $0.name), ("class", $0.kind)) }
        ecc = [with(("type", "corrected")), with(("type", "uncorrected"))]
        remappedRows = [with(("type", "correctable")), with(("type", "uncorrectable"))]
        xid = XidCatalog.classes.map { with(("class", $0)) }
    }
}
