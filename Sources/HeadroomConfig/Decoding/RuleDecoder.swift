import HeadroomConfigSyntax
import HeadroomCore

/// Decodes one `rules:` entry into an `AlertRule`, reporting every problem in it.
enum RuleDecoder {
    static let thresholdKeys = ["above", "at_least", "below", "at_most"]
    static let conditionKeys = thresholdKeys + ["increases", "trend"]
    static let holdKeys = ["for", "samples", "within"]
    static let keys =
        ["name", "metric", "labels"] + conditionKeys + holdKeys
        + ["clear", "keep_firing_for", "severity", "family", "summary", "gate", "enabled"]
    static let trendKeys = ["capacity", "capacity_metric", "window", "exhaustion_within", "min_r2", "min_samples"]
    static let withinKeys = ["samples", "of"]

    /// What an entry decoded to.
    enum Outcome {
        case rule(AlertRule)
        /// `enabled: false`: dropped without further checks (only unknown keys are reported).
        case disabled
        /// Problems were reported.
        case invalid
    }

    static func decode(_ entry: ListEntry, reader: inout NodeReader) -> Outcome {
        let issuesBefore = reader.issues.count
        guard
            let fields = reader.fields(
                entry.node, entry.path, allowed: keys,
                expected: "a rule: a mapping with name, metric and a condition such as above: 90")
        else { return .invalid }
        if reader.bool(fields, "enabled") == false { return .disabled }

        let name = decodeName(fields, reader: &reader)
        var selector = decodeSelector(fields, reader: &reader)
        if let labels = fields["labels"] {
            mergeLabels(labels, fields.path("labels"), into: &selector, reader: &reader)
        }
        let condition = decodeCondition(fields, reader: &reader)
        let hold = decodeHold(fields, reader: &reader)
        let clear = decodeClear(fields, condition: condition, reader: &reader)
        let keepFiringFor = reader.duration(fields, "keep_firing_for") ?? .zero
        let severity = reader.choice(fields, "severity", Severity.self) ?? .warning
        let family = reader.string(fields, "family", expected: "a family name")
        if let family, family.trimmingWhitespace().isEmpty, let node = fields["family"] {
            reader.report(node, fields.path("family"), "must not be empty; remove it to use the metric name")
        }
        let summary = reader.string(fields, "summary", expected: "a message template")
        if let summary, let node = fields["summary"] {
            for placeholder in SummaryTemplate.unknownPlaceholders(in: summary) {
                reader.warn(
                    node.mark, fields.path("summary"), "unknown placeholder {\(placeholder)} will be shown as written",
                    suggestion: Suggestions.closest(to: placeholder, in: SummaryTemplate.placeholders).map { "did you mean {\($0)}?" })
            }
        }

        let gate = reader.bool(fields, "gate") ?? false

        guard reader.issues.count == issuesBefore, let name, let selector, let condition else { return .invalid }
        return .rule(
            AlertRule(
                name: name, selector: selector, condition: condition, hold: hold, clear: clear,
                keepFiringFor: keepFiringFor, severity: severity, family: family, summary: summary, gate: gate))
    }

    /// Whether an entry says `enabled: false` (read leniently, before validation).
    static func isSwitchedOff(_ node: ConfigNode) -> Bool {
        node["enabled"]?.scalarText.flatMap(NodeReader.boolValue) == false
    }

    // MARK: - Name and series

    private static func decodeName(_ fields: Fields, reader: inout NodeReader) -> String? {
        guard let node = fields["name"] else {
            reader.report(fields.node, fields.path, "a rule needs a `name`, such as name: gpu_memory_high")
            return nil
        }
        guard let name = reader.string(node, fields.path("name"), expected: "a rule name") else { return nil }
        if name.isEmpty || name.contains(where: { $0.isWhitespace || $0.unicodeScalars.contains { $0.properties.generalCategory == .control } }) {
            reader.report(node, fields.path("name"), "expected a rule name in one word, such as gpu_memory_high, got \"\(name)\"")
            return nil
        }
        let recommended = name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
        if !recommended {
            let suggested = String(name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
            reader.warn(
                node.mark, fields.path("name"),
                "rule names are best written in lowercase letters, digits and _ (they become HEADROOM_RULES_<NAME>_<KEY> variables)",
                suggestion: "for example \"\(suggested)\"")
        }
        return name
    }

    private static func decodeSelector(_ fields: Fields, reader: inout NodeReader) -> MetricSelector? {
        guard let node = fields["metric"] else {
            reader.report(fields.node, fields.path, "a rule needs a `metric`, such as metric: cpu_used_percent or metric: 'cpu_core_used_percent{cpu!=\"0\"}'")
            return nil
        }
        guard let text = reader.string(node, fields.path("metric"), expected: "a metric selector") else { return nil }
        do {
            let selector = try SelectorSyntax.parse(text)
            guard !selector.metric.isEmpty else {
                // Rules are indexed by metric name; name-less selectors are for the history API.
                reader.report(node, fields.path("metric"), "expected a metric name such as cpu_used_percent before the braces, got \"\(text)\"")
                return nil
            }
            return selector
        } catch {
            reader.report(node, fields.path("metric"), error.message)
            return nil
        }
    }

    /// `labels: {gpu: "0"}` adds equality matchers; one that contradicts the selector's is a problem.
    private static func mergeLabels(_ node: ConfigNode, _ path: String, into selector: inout MetricSelector?, reader: inout NodeReader) {
        guard case .mapping(let pairs, _) = node else {
            reader.report(node, path, "expected a mapping of label: value, such as {gpu: \"0\"}, got \(node.kindDescription)")
            return
        }
        for pair in pairs {
            let labelPath = "\(path).\(pair.key)"
            guard SelectorSyntax.isLabelName(pair.key) else {
                reader.report(pair.keyMark, labelPath, "\"\(pair.key)\" is not a label name: letters, digits and _, not starting with a digit")
                continue
            }
            guard let value = reader.string(pair.value, labelPath, expected: "a label value") else { continue }
            guard var current = selector else { continue }
            if let existing = current.matchers.first(where: { $0.label == pair.key && $0.operation == .equal }) {
                if existing.value != value {
                    reader.report(
                        pair.value, labelPath,
                        "the metric selector already requires \(pair.key)=\"\(existing.value)\"; "
                            + "a series cannot also have \(pair.key)=\"\(value)\"")
                }
                continue
            }
            current.matchers.append(MetricSelector.Matcher(pair.key, .equal, value))
            selector = current
        }
    }

    // MARK: - Condition, hold, clear

    private static func decodeCondition(_ fields: Fields, reader: inout NodeReader) -> Condition? {
        let present = fields.present(conditionKeys)
        guard let key = present.first else {
            reader.report(fields.node, fields.path, "a rule needs one condition: above, at_least, below or at_most (a number), increases: true, or trend: {…}")
            return nil
        }
        if present.count > 1, let second = fields[present[1]] {
            let listed = present.map { "`\($0)`" }.joined(separator: " and ")
            reader.report(second, fields.path(present[1]), "a rule has exactly one condition, but this one has \(listed); keep one (or write two rules)")
            return nil
        }
        guard let node = fields[key] else { return nil }
        let path = fields.path(key)
        switch key {
        case "above": return reader.number(node, path).map(Condition.above)
        case "at_least": return reader.number(node, path).map(Condition.atLeast)
        case "below": return reader.number(node, path).map(Condition.below)
        case "at_most": return reader.number(node, path).map(Condition.atMost)
        case "increases":
            guard let flag = reader.bool(node, path) else { return nil }
            if !flag { reader.report(node, path, "`increases: false` is not a condition; write increases: true, or use another condition") }
            return flag ? .increases : nil
        default:
            return decodeTrend(node, path, reader: &reader).map(Condition.trend)
        }
    }

    private static func decodeTrend(_ node: ConfigNode, _ path: String, reader: inout NodeReader) -> TrendCondition? {
        guard
            let fields = reader.fields(
                node, path, allowed: trendKeys,
                expected: "a mapping such as {capacity_metric: memory_total_bytes, window: 10m, exhaustion_within: 30m}")
        else { return nil }
        var capacity: TrendCondition.Capacity?
        switch (fields["capacity"], fields["capacity_metric"]) {
        case (nil, nil):
            reader.report(
                node, path, "a trend needs its capacity: capacity: <number in the metric's unit> or capacity_metric: <metric>, such as memory_total_bytes")
        case (let fixed?, nil):
            if let value = reader.number(fixed, fields.path("capacity")) {
                if value > 0 {
                    capacity = .fixed(value)
                } else {
                    reader.report(fixed, fields.path("capacity"), "expected a capacity above 0, got \(YAMLText.number(value))")
                }
            }
        case (nil, let metric?):
            if let name = reader.string(metric, fields.path("capacity_metric"), expected: "a metric name") {
                if SelectorSyntax.isMetricName(name) {
                    capacity = .metric(name)
                } else {
                    reader.report(
                        metric, fields.path("capacity_metric"),
                        "\"\(name)\" is not a metric name; label matchers are not allowed here "
                            + "(the capacity series has the same labels as the usage series)")
                }
            }
        case (_, let metric?):
            reader.report(metric, fields.path("capacity_metric"), "give either `capacity` or `capacity_metric`, not both")
        }
        var trend = TrendCondition(capacity: capacity ?? .fixed(1))
        if let value = reader.duration(fields, "window", minimum: .seconds(1)) { trend.window = value }
        if let value = reader.duration(fields, "exhaustion_within", minimum: .seconds(1)) { trend.exhaustionWithin = value }
        if let node = fields["min_r2"], let value = reader.number(node, fields.path("min_r2")) {
            if (0...1).contains(value) {
                trend.minimumR2 = value
            } else {
                reader.report(node, fields.path("min_r2"), "expected an R² from 0 to 1, got \(YAMLText.number(value))")
            }
        }
        if let value = reader.integer(fields, "min_samples", range: 2...100_000) { trend.minimumSamples = value }
        return capacity.map { _ in trend }
    }

    private static func decodeHold(_ fields: Fields, reader: inout NodeReader) -> HoldPolicy {
        let present = fields.present(holdKeys)
        guard let key = present.first else { return .immediately }
        if present.count > 1, let second = fields[present[1]] {
            let listed = present.map { "`\($0)`" }.joined(separator: " and ")
            reader.report(second, fields.path(present[1]), "a rule has at most one of for, samples and within, but this one has \(listed); keep one")
            return .immediately
        }
        switch key {
        case "for":
            return reader.duration(fields, "for").map(HoldPolicy.duration) ?? .immediately
        case "samples":
            return reader.integer(fields, "samples", range: 1...10_000).map(HoldPolicy.consecutiveSamples) ?? .immediately
        default:
            guard let node = fields["within"],
                let within = reader.fields(node, fields.path("within"), allowed: withinKeys, expected: "a mapping such as {samples: 3, of: 5}")
            else { return .immediately }
            let count = reader.integer(within, "samples", range: 1...64)
            let of = reader.integer(within, "of", range: 1...64)
            let missing = withinKeys.filter { within[$0] == nil }
            if !missing.isEmpty {
                let listed = missing.map { "`\($0)`" }.joined(separator: " and ")
                reader.report(node, fields.path("within"), "needs both `samples` and `of` (missing \(listed)), such as within: {samples: 3, of: 5}")
                return .immediately
            }
            guard let count, let of else { return .immediately }
            if count > of, let samplesNode = within["samples"] {
                reader.report(
                    samplesNode, within.path("samples"), "\(count) breaching samples out of the last \(of) can never happen; samples must be at most `of`")
                return .immediately
            }
            return .within(samples: count, of: of)
        }
    }

    private static func decodeClear(_ fields: Fields, condition: Condition?, reader: inout NodeReader) -> Double? {
        guard let node = fields["clear"], let clear = reader.number(node, fields.path("clear")) else { return nil }
        let key = fields.present(conditionKeys).first ?? ""
        func wrongSide(_ threshold: Double, _ side: String) {
            let limit = YAMLText.number(threshold)
            reader.report(
                node, fields.path("clear"),
                "must be on the non-breaching side of the threshold: "
                    + "for `\(key): \(limit)` use a value at or \(side) \(limit), got \(YAMLText.number(clear))")
        }
        switch condition {
        case .above(let threshold)?, .atLeast(let threshold)?:
            if clear > threshold { wrongSide(threshold, "below") }
        case .below(let threshold)?, .atMost(let threshold)?:
            if clear < threshold { wrongSide(threshold, "above") }
        case .increases?, .trend?:
            reader.report(node, fields.path("clear"), "`clear` applies to above, at_least, below and at_most rules only; remove it")
        case nil:
            break
        }
        return clear
    }
}
