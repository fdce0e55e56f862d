#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// InfluxDB line protocol for one round: measurement `headroom`, the sample's labels plus
/// `host` as tags, the metric name as the field, nanosecond timestamps. VictoriaMetrics
/// names such a series `headroom_<metric>`, the same name `/metrics` uses.
public enum InfluxLineProtocol {
    public static let measurement = "headroom"

    /// One line per finite sample, stamped `time` (rounded to the millisecond).
    public static func lines(_ samples: [Sample], time: Date, host: String) -> [String] {
        let nanoseconds = Int64((time.timeIntervalSince1970 * 1000).rounded()) * 1_000_000
        var out: [String] = []
        out.reserveCapacity(samples.count)
        for sample in samples where sample.value.isFinite {
            var line = measurement
            let tags = sample.labels.adding("host", host).pairs
            for pair in tags where !pair.value.isEmpty {
                line += ","
                line += escapeKey(pair.name)
                line += "="
                line += escapeKey(pair.value)
            }
            line += " "
            line += escapeKey(sample.name)
            line += "="
            line += PrometheusExposition.number(sample.value)
            line += " "
            line += String(nanoseconds)
            out.append(line)
        }
        return out
    }

    /// Tag keys, tag values and field keys escape commas, equals signs and spaces; newlines
    /// cannot be escaped and become spaces.
    static func escapeKey(_ text: String) -> String { TextEscaping.escaped(text, .influxKey) }
}
