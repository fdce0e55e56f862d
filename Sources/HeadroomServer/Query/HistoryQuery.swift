import HeadroomCore

/// Answers the history API's requests from a `HistoryEndpoint`: each method takes the
/// request's parameters and returns the `data` JSON of a success, or throws the
/// `QueryError` to answer. `now` (Unix milliseconds) is the default `time` of instant queries.
struct HistoryQuery {
    let history: any HistoryEndpoint

    /// `/api/v1/query_range`: a matrix.
    func range(_ parameters: QueryParameters) async throws(QueryError) -> String {
        let expression = try QueryExpression.parse(parameters.first("query") ?? "")
        let start = try parameters.time("start")
        let end = try parameters.time("end")
        guard end >= start else { throw .badData("end timestamp must not be before start time") }
        let steps = try StepEvaluation.steps(start: start, end: end, step: try parameters.step())
        switch expression {
        case .scalar(let value):
            return PrometheusJSON.matrix([(Labels.none, steps.map { ($0, value) })])
        case .selector(let selector):
            var series: [(labels: Labels, points: PrometheusJSON.Points)] = []
            for key in try await keys([selector]) {
                let samples = try await read(key, from: StepEvaluation.earliestSample(forStep: start), to: end)
                let points = StepEvaluation.points(samples, at: steps)
                if !points.isEmpty { series.append((HistorySelection.exposedLabels(key), points)) }
            }
            return PrometheusJSON.matrix(series)
        }
    }

    /// `/api/v1/query`: a vector, or a scalar for a number.
    func instant(_ parameters: QueryParameters, now: Int64) async throws(QueryError) -> String {
        let expression = try QueryExpression.parse(parameters.first("query") ?? "")
        let time = try parameters.time("time", fallback: now)
        switch expression {
        case .scalar(let value):
            return PrometheusJSON.scalar(time: time, value: value)
        case .selector(let selector):
            var series: [(labels: Labels, point: (time: Int64, value: Double))] = []
            for key in try await keys([selector]) {
                let samples = try await read(key, from: StepEvaluation.earliestSample(forStep: time), to: time)
                if let point = StepEvaluation.point(samples, at: time) { series.append((HistorySelection.exposedLabels(key), point)) }
            }
            return PrometheusJSON.vector(series)
        }
    }

    /// `/api/v1/series`: the label sets of the series the `match[]` selectors pick.
    func series(_ parameters: QueryParameters) async throws(QueryError) -> String {
        let matches = parameters.all("match[]")
        guard !matches.isEmpty else { throw .badData("no match[] parameter provided") }
        let keys = try await selected(parameters, matches: matches)
        return "[" + keys.map { PrometheusJSON.labelSet(HistorySelection.exposedLabels($0)) }.joined(separator: ",") + "]"
    }

    /// `/api/v1/labels`: every label name of the picked series (all without `match[]`).
    func labelNames(_ parameters: QueryParameters) async throws(QueryError) -> String {
        let keys = try await selected(parameters, matches: parameters.all("match[]"))
        var names: Set<String> = keys.isEmpty ? [] : [MetricSelector.nameLabel]
        for key in keys { names.formUnion(key.labels.pairs.map(\.name)) }
        return PrometheusJSON.strings(names.sorted())
    }

    /// `/api/v1/label/{name}/values`: the values of label `name` (exposed metric names for
    /// `__name__`) among the picked series.
    func labelValues(_ name: String, _ parameters: QueryParameters) async throws(QueryError) -> String {
        guard SelectorSyntax.isLabelName(name) else { throw .badData("invalid label name: \(JSONText.quote(name))") }
        let keys = try await selected(parameters, matches: parameters.all("match[]"))
        let values = Set(
            keys.compactMap { key in
                name == MetricSelector.nameLabel ? HistorySelection.exposedName(key.name) : key.labels[name]
            })
        return PrometheusJSON.strings(values.sorted())
    }

    // MARK: - Reading

    /// The series `matches` pick (every series without any), keeping only those with a sample
    /// from `start` to `end` when the request gives either.
    private func selected(_ parameters: QueryParameters, matches: [String]) async throws(QueryError) -> [SeriesKey] {
        var selectors: [MetricSelector] = []
        for match in matches { selectors.append(try QueryExpression.parseMatch(match)) }
        let start = try parameters.optionalTime("start")
        let end = try parameters.optionalTime("end")
        let all = try await keys(selectors.isEmpty ? nil : selectors)
        guard start != nil || end != nil else { return all }
        var inRange: [SeriesKey] = []
        for key in all where try await !read(key, from: start ?? .min, to: end ?? .max).isEmpty { inRange.append(key) }
        return inRange
    }

    /// The series `selectors` pick, or every series for nil.
    private func keys(_ selectors: [MetricSelector]?) async throws(QueryError) -> [SeriesKey] {
        do {
            return HistorySelection.select(try await history.seriesKeys(), selectors)
        } catch {
            throw Self.failure(error)
        }
    }

    private func read(_ key: SeriesKey, from: Int64, to: Int64) async throws(QueryError) -> [(time: Int64, value: Double)] {
        do {
            return try await history.samples(of: key, from: from, to: to)
        } catch {
            throw Self.failure(error)
        }
    }

    static func failure(_ error: any Error) -> QueryError {
        if let disabled = error as? HistoryDisabled { return QueryError(type: .unavailable, message: disabled.description) }
        if let hung = error as? HistoryNotAnswering { return QueryError(type: .unavailable, message: hung.description) }
        return QueryError(type: .internal, message: "reading the history failed: \(error)")
    }
}
