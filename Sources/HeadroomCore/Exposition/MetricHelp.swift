/// Help sentences for exposed metrics: a few written out, the rest derived from the name
/// and its unit suffix (`gpu_memory_used_bytes` → "GPU memory used, in bytes.").
public enum MetricHelp {
    static let written: [String: String] = [
        "gpu_memory_used_percent": "GPU memory in use (total minus free) as a percentage of the total: 100 means the next allocation fails.",
        "gpu_memory_used_bytes": "GPU memory allocated by processes, in bytes (the driver's reserve excluded).",
        "gpu_up": "Whether the GPU answered the driver in the last sample (1) or is lost (0).",
        "gpu_driver_up": "Whether the GPU driver library initialised (1) or is unusable (0).",
        "collector_up": "Whether the collector's last read succeeded (1) or failed (0).",
        "collector_stalled": "Whether the collector is stuck in a call that has not returned (1).",
        "collector_duration_seconds": "Wall time the collector took in the last sampling round, in seconds.",
        "memory_used_percent": "Host memory in use (total minus available) as a percentage of the total.",
        "cpu_used_percent": "Host CPU time spent busy since the previous sample, as a percentage of all cores.",
        "container_memory_used_percent": "Container memory working set as a percentage of its limit.",
    ]

    static let units: [(suffix: String, unit: String)] = [
        ("_bytes_total", "bytes (counter)"), ("_seconds_total", "seconds (counter)"), ("_joules_total", "joules (counter)"),
        ("_total", "a count since start (counter)"), ("_bytes", "bytes"), ("_percent", "percent"), ("_celsius", "degrees Celsius"),
        ("_watts", "watts"), ("_hertz", "hertz"), ("_seconds", "seconds"), ("_cores", "CPU cores"), ("_joules", "joules"),
    ]

    /// The help sentence of a sample name (without the `headroom_` prefix).
    public static func sentence(for name: String) -> String {
        if let text = written[name] { return text }
        var stem = name
        var unit: String?
        for (suffix, text) in units where stem.hasSuffix(suffix) {
            stem = String(stem.dropLast(suffix.count))
            unit = text
            break
        }
        var words = stem.split(separator: "_").map { word -> String in
            switch word {
            case "gpu": "GPU"
            case "cpu": "CPU"
            case "ecc": "ECC"
            case "xid": "Xid"
            case "mig": "MIG"
            case "oom": "OOM"
            case "sm": "SM"
            case "pids": "PIDs"
            default: String(word)
            }
        }.joined(separator: " ")
        if let first = words.first, first.isLowercase { words = first.uppercased() + words.dropFirst() }
        return unit.map { "\(words), in \($0)." } ?? "\(words)."
    }
}
