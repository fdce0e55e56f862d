#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The pure half of replaying a Prometheus-API server's range data (`headroom backtest
/// --source http://…`): which queries a configuration's rules need, how a range is split into
/// requests, how an answer is read, and how the series become rounds. The HTTP half is
/// HeadroomDaemon's `PrometheusReplaySource`.
public enum PrometheusRange {
    /// Prometheus refuses a range query of more than 11,000 points per series.
    public static let maximumPoints: Int64 = 11_000
    /// How much time one window of requests covers at most, so memory stays bounded.
    public static let windowMilliseconds: Int64 = 3_600_000
    /// The labels the Prometheus server adds to every scraped series (the daemon never sees
    /// them). They are kept on every replayed sample, dcgm-exporter's mapped ones included, so
    /// the series of two hosts (or of one target scraped by two jobs) stay apart, and alerts and
    /// incidents name the host as Prometheus' own alerts do. `job` is kept as well as
    /// `instance`: dropping it would merge a target scraped under two jobs, and whether that
    /// happens is only known once the whole range is read, while a label that came and went
    /// between windows would split one alert in two.
    public static let targetLabels: [String] = ["instance", "job"]

    /// One `query_range` to send per window.
    public struct Query: Sendable, Hashable {
        /// The PromQL selector.
        public var promQL: String
        /// Whether the answer is dcgm-exporter's series (mapped by `DCGMMapping`).
        public var isDCGM: Bool
    }

    /// The queries `rules` need: each rule's metric (and a trend's capacity metric) under
    /// Headroom's exposed name and under dcgm-exporter's names, and the incident counters.
    public static func queries(for rules: [AlertRule]) -> [Query] {
        var metrics = Set(IncidentDetector.metricNames)
        var nameless: [String] = []
        for rule in rules {
            if rule.selector.metric.isEmpty {
                nameless.append(namelessSelector(rule.selector))
            } else {
                metrics.insert(rule.selector.metric)
            }
            if case .trend(let trend) = rule.condition, case .metric(let capacity) = trend.capacity { metrics.insert(capacity) }
        }
        var out = metrics.sorted().map { Query(promQL: PrometheusExposition.prefix + $0, isDCGM: false) }
        out += Set(nameless).sorted().map { Query(promQL: $0, isDCGM: false) }
        out += Set(metrics.flatMap(DCGMMapping.dcgmNames(for:))).sorted().map { Query(promQL: $0, isDCGM: true) }
        return out
    }

    /// `{__name__=~"headroom_.+", …}` with a name-less selector's `__name__` matchers moved
    /// under the prefix; its label matchers are left to the rule.
    static func namelessSelector(_ selector: MetricSelector) -> String {
        let prefix = PrometheusExposition.prefix
        var matchers = [#"__name__=~"\#(prefix).+""#]
        for matcher in selector.matchers where matcher.label == MetricSelector.nameLabel {
            let value: String
            switch matcher.operation {
            case .equal, .notEqual: value = prefix + matcher.value
            case .matchesRegex, .notMatchesRegex: value = prefix + "(?:" + matcher.value + ")"
            }
            matchers.append("__name__" + matcher.operation.rawValue + TextEscaping.quoted(value, .selector))
        }
        return "{" + matchers.joined(separator: ",") + "}"
    }

    /// The step of a configuration's interval: the interval, at least one second.
    public static func step(_ interval: Duration) -> Int64 {
        let milliseconds = interval.components.seconds * 1000 + interval.components.attoseconds / 1_000_000_000_000_000
        return max(1000, milliseconds)
    }

    /// The windows `[start, end]` (Unix milliseconds, both included, on the step grid from
    /// `from`) a range is asked for in: at most an hour, or one step when the step is longer,
    /// and never more than `maximumPoints` steps.
    public static func windows(from: Int64, to: Int64, step: Int64) -> [(start: Int64, end: Int64)] {
        let steps = max(1, min(maximumPoints, windowMilliseconds / step))
        var out: [(Int64, Int64)] = []
        var start = from
        while start <= to {
            let end = min(to, start + (steps - 1) * step)
            out.append((start, end))
            start = end + step
        }
        return out
    }

    // MARK: - Answers

    /// One series of a matrix answer: its name and labels as the server has them, and its
    /// points (Unix milliseconds, value).
    public struct Series: Sendable {
        public var name: String
        public var labels: Labels
        public var points: [(time: Int64, value: Double)]

        public init(name: String, labels: Labels, points: [(time: Int64, value: Double)]) {
            self.name = name
            self.labels = labels
            self.points = points
        }
    }

    /// Why an answer cannot be used: Prometheus' own `error` text, or what is wrong with it.
    public struct Failure: Error, Sendable, Equatable {
        public var message: String
        /// The server's own `error` text when it refused the query (a bad query, the
        /// history off), without the status around it: what a screen shows.
        public var serverError: String? = nil
    }

    private struct Answer: Decodable {
        var status: String
        var error: String?
        var errorType: String?
        var data: Matrix?
    }

    private struct Matrix: Decodable {
        var resultType: String
        var result: [Entry]
    }

    private struct Entry: Decodable {
        var metric: [String: String]
        var values: [Point]?
    }

    private struct Point: Decodable {
        var time: Double
        var value: String
        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            time = try container.decode(Double.self)
            value = try container.decode(String.self)
        }
    }

    /// The series of a `query_range` answer; throws with Prometheus' `error` text when the
    /// status is not `success`, and says so when the body is not a matrix answer.
    public static func parse(_ body: [UInt8]) throws(Failure) -> [Series] {
        let answer: Answer
        do {
            answer = try JSONDecoder().decode(Answer.self, from: Data(body))
        } catch {
            let start = String(decoding: body.prefix(200), as: UTF8.self)
            throw Failure(message: "the answer is not a Prometheus API answer: \(start.isEmpty ? "(empty)" : start)")
        }
        guard answer.status == "success" else {
            let type = answer.errorType.map { "\($0): " } ?? ""
            throw Failure(message: "status \(answer.status): \(type)\(answer.error ?? "no error text")", serverError: answer.error)
        }
        guard let data = answer.data, data.resultType == "matrix" else {
            throw Failure(message: "the answer is not a range (matrix) answer")
        }
        return data.result.map { entry in
            var labels = entry.metric
            let name = labels.removeValue(forKey: MetricSelector.nameLabel) ?? ""
            let points = (entry.values ?? []).compactMap { point -> (time: Int64, value: Double)? in
                guard let value = Double(point.value) else { return nil }
                return (Int64((point.time * 1000).rounded()), value)
            }
            return Series(name: name, labels: Labels(labels), points: points)
        }
    }

    /// A series' target labels (`instance`, `job`), to put back on dcgm-exporter's series once
    /// mapped (the mapping keeps GPU labels only).
    public static func target(of labels: Labels) -> Labels {
        Labels(targetLabels.compactMap { name in labels[name].map { (name, $0) } })
    }

    /// Merges one window's series into rounds by timestamp, in time order: Headroom's own
    /// series (`headroom_` dropped from the name, every label kept), and dcgm-exporter's mapped
    /// to Headroom's with their target labels. A mapped sample is left out when the round has
    /// a `headroom_` sample of its name from the same host: the same `instance`, or the same
    /// GPU (`uuid`), which is how a Headroom and a dcgm-exporter on one machine, scraped as two
    /// targets on two ports, are told to be the same host. Other hosts keep their mapped series.
    public static func rounds(headroom: [Series], dcgm: [Series]) -> [(time: Int64, samples: [Sample])] {
        var own: [Int64: [Sample]] = [:]
        for series in headroom where series.name.hasPrefix(PrometheusExposition.prefix) {
            let name = String(series.name.dropFirst(PrometheusExposition.prefix.count))
            for point in series.points { own[point.time, default: []].append(Sample(name, series.labels, point.value)) }
        }
        var mapped: [Int64: [Sample]] = [:]
        for series in dcgm {
            for point in series.points { mapped[point.time, default: []].append(Sample(series.name, series.labels, point.value)) }
        }
        let times = Set(own.keys).union(mapped.keys).sorted()
        return times.map { time in
            var samples = own[time] ?? []
            if let dcgmSamples = mapped[time] { samples += dcgmFallback(dcgmSamples, besides: samples) }
            return (time, samples)
        }
    }

    /// One round of dcgm-exporter's samples mapped per target (`DCGMMapping.headroomSamples`
    /// derives the memory percentage per GPU, so two hosts' `gpu="0"` must not meet there),
    /// with the target labels put back, less those `own` has from the same host.
    static func dcgmFallback(_ dcgm: [Sample], besides own: [Sample]) -> [Sample] {
        var present = Set<String>()
        for sample in own {
            present.insert(hostKey(sample.name, "instance", sample.labels["instance"] ?? ""))
            if let uuid = sample.labels["uuid"] { present.insert(hostKey(sample.name, "uuid", uuid)) }
        }
        var targets: [Labels] = []
        var byTarget: [Labels: [Sample]] = [:]
        for sample in dcgm {
            let target = Self.target(of: sample.labels)
            if byTarget[target] == nil { targets.append(target) }
            byTarget[target, default: []].append(sample)
        }
        var out: [Sample] = []
        for target in targets {
            for var sample in DCGMMapping.headroomSamples(byTarget[target] ?? []) {
                if present.contains(hostKey(sample.name, "instance", target["instance"] ?? "")) { continue }
                if let uuid = sample.labels["uuid"], present.contains(hostKey(sample.name, "uuid", uuid)) { continue }
                for pair in target.pairs { sample.labels[pair.name] = pair.value }
                out.append(sample)
            }
        }
        return out
    }

    private static func hostKey(_ name: String, _ label: String, _ value: String) -> String {
        name + "\u{1F}" + label + "\u{1F}" + value
    }
}
