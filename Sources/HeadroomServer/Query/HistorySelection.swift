import HeadroomCore

/// Which recorded series a selector picks, under the names the daemon exposes (pure). The
/// store keeps `gpu_memory_used_bytes`; `/metrics` and this API say
/// `headroom_gpu_memory_used_bytes`; a selector may use either.
enum HistorySelection {
    /// `headroom_` + the stored name.
    static func exposedName(_ storedName: String) -> String {
        PrometheusExposition.prefix + storedName
    }

    /// The series' labels with `__name__` set to its exposed name, as the API shows them.
    static func exposedLabels(_ key: SeriesKey) -> Labels {
        key.labels.adding(MetricSelector.nameLabel, exposedName(key.name))
    }

    /// Whether `selector` picks the series `key`. A name (or `=`, `=~` on `__name__`) picks
    /// it when it fits either name; `!=` and `!~` on `__name__` leave it out when either fits.
    static func matches(_ selector: MetricSelector, _ key: SeriesKey) -> Bool {
        let exposed = exposedName(key.name)
        guard selector.metric.isEmpty || selector.metric == key.name || selector.metric == exposed else { return false }
        return selector.matchers.allSatisfy { matcher in
            guard matcher.label == MetricSelector.nameLabel else { return matcher.matches(key.labels) }
            switch matcher.operation {
            case .equal, .matchesRegex: return matcher.matches(value: key.name) || matcher.matches(value: exposed)
            case .notEqual, .notMatchesRegex: return matcher.matches(value: key.name) && matcher.matches(value: exposed)
            }
        }
    }

    /// The series of `keys` that any of `selectors` picks (all of them for nil), sorted by
    /// exposed labels.
    static func select(_ keys: [SeriesKey], _ selectors: [MetricSelector]?) -> [SeriesKey] {
        keys.filter { key in selectors?.contains { matches($0, key) } ?? true }
            .map { ($0, exposedLabels($0)) }
            .sorted { $0.1 < $1.1 }
            .map(\.0)
    }
}
