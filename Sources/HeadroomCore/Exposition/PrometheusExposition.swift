#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// Everything one `/metrics` page is made of, as the daemon holds it after a round.
public struct ExpositionInput: Sendable {
    /// The samples the rules saw in the latest round: raw, derived, and collector health.
    public var samples: [Sample]
    /// The alerts firing now.
    public var firingAlerts: [Alert]
    /// The node name the dcgm-compatible series carry as `Hostname`.
    public var hostname: String
    /// When the latest round was taken (nil before the first one).
    public var sampleTime: Date?
    /// Families about the daemon itself (`process_resident_memory_bytes` …), printed as given.
    public var selfFamilies: [MetricFamily]
    /// Extra `headroom_`-prefixed samples from other parts of the daemon (delivery metrics).
    public var extraSamples: [Sample]

    public init(
        samples: [Sample], firingAlerts: [Alert], hostname: String, sampleTime: Date?,
        selfFamilies: [MetricFamily] = [], extraSamples: [Sample] = []
    ) {
        self.samples = samples
        self.firingAlerts = firingAlerts
        self.hostname = hostname
        self.sampleTime = sampleTime
        self.selfFamilies = selfFamilies
        self.extraSamples = extraSamples
    }
}

/// Prometheus text 0.0.4 and OpenMetrics 1.0 rendering: a pure function of the latest round.
public enum PrometheusExposition {
    /// The prefix of every sampled metric.
    public static let prefix = "headroom_"

    /// The whole page.
    public static func render(_ input: ExpositionInput, format: ExpositionFormat) -> String {
        render(families(input), format: format)
    }

    /// The families of a page, in print order: sampled metrics, alerts, timestamp, the
    /// daemon's own cost, then the dcgm-exporter-compatible GPU series.
    public static func families(_ input: ExpositionInput) -> [MetricFamily] {
        var families = sampleFamilies(input.samples + input.extraSamples)
        families.append(alertFamily(input.firingAlerts))
        if let time = input.sampleTime {
            families.append(
                MetricFamily(
                    name: prefix + "last_sample_timestamp_seconds",
                    help: "Unix time of the latest sampling round; this page shows that round.",
                    type: .gauge, series: [.init(.none, time.timeIntervalSince1970)]))
        }
        families += input.selfFamilies
        families += DCGMMapping.families(input.samples, hostname: input.hostname)
        return families
    }

    /// One family per sample name, series sorted by labels; a repeated series keeps its first value.
    public static func sampleFamilies(_ samples: [Sample]) -> [MetricFamily] {
        var byName: [String: (kind: SampleKind, series: [Labels: Double])] = [:]
        for sample in samples where sample.value.isFinite || sample.value.isNaN {
            var entry = byName[sample.name] ?? (sample.kind, [:])
            if entry.series[sample.labels] == nil { entry.series[sample.labels] = sample.value }
            byName[sample.name] = entry
        }
        return byName.keys.sorted().map { name in
            let entry = byName[name]!
            return MetricFamily(
                name: prefix + name, help: MetricHelp.sentence(for: name),
                type: entry.kind == .counter ? .counter : .gauge,
                series: entry.series.sorted { $0.key < $1.key }.map { MetricFamily.Series($0.key, $0.value) })
        }
    }

    /// `headroom_alerts{alertname, alertstate="firing", severity, <series labels>} 1`, shaped
    /// like Prometheus' own `ALERTS` (a different name, so it never collides with the server's).
    static func alertFamily(_ alerts: [Alert]) -> MetricFamily {
        let series = alerts.map { alert -> MetricFamily.Series in
            var labels = alert.labels
            labels["alertname"] = alert.rule
            labels["alertstate"] = "firing"
            labels["severity"] = alert.severity.rawValue
            return MetricFamily.Series(labels, 1)
        }.sorted { $0.labels < $1.labels }
        return MetricFamily(
            name: prefix + "alerts",
            help: "Alerts firing now, one series per alert (like Prometheus' ALERTS): alertname is the rule.",
            type: .gauge, series: series)
    }

    // MARK: - Text

    /// Prints families in `format`; OpenMetrics pages end with `# EOF`.
    /// `terminate: false` leaves out OpenMetrics' `# EOF`, for a page assembled from parts.
    public static func render(_ families: [MetricFamily], format: ExpositionFormat, terminate: Bool = true) -> String {
        var out = ""
        out.reserveCapacity(families.reduce(0) { $0 + 96 + $1.series.count * 96 })
        for family in families {
            var familyName = family.name
            var sampleSuffix = ""
            var typeText: String
            switch (family.type, format) {
            case (.gauge, _): typeText = "gauge"
            case (.counter, .prometheusText): typeText = "counter"
            case (.counter, .openMetrics):
                if family.name.hasSuffix("_total") {
                    familyName = String(family.name.dropLast("_total".count))
                    sampleSuffix = "_total"
                    typeText = "counter"
                } else {
                    typeText = "unknown"
                }
            case (.unknown, .prometheusText): typeText = "untyped"
            case (.unknown, .openMetrics): typeText = "unknown"
            }
            out += "# HELP \(familyName) \(escapeHelp(family.help))\n"
            out += "# TYPE \(familyName) \(typeText)\n"
            for series in family.series {
                out += familyName
                out += sampleSuffix
                if !series.labels.isEmpty {
                    out += "{"
                    var first = true
                    for pair in series.labels.pairs {
                        if !first { out += "," }
                        first = false
                        out += pair.name
                        out += "=\""
                        out += escapeLabelValue(pair.value)
                        out += "\""
                    }
                    out += "}"
                }
                out += " "
                out += number(series.value)
                out += "\n"
            }
        }
        if format == .openMetrics && terminate { out += "# EOF\n" }
        return out
    }

    /// A value as Prometheus prints it: integers without a fraction, `NaN`, `+Inf`, `-Inf`.
    public static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    static func escapeLabelValue(_ text: String) -> String { TextEscaping.escaped(text, .prometheusLabel) }

    static func escapeHelp(_ text: String) -> String { TextEscaping.escaped(text, .prometheusHelp) }
}
