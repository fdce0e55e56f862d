import Foundation
import HeadroomCore

/// Decodes one `rules:` entry.
enum RuleDecoding {
    static let conditionKeys = ["above", "at_least", "below", "at_most", "increases", "trend"]
    static let holdKeys = ["for", "samples", "within"]
    static let keys = ["name", "metric", "labels"] + conditionKeys + holdKeys
        + ["clear", "keep_firing_for", "severity", "family", "summary", "enabled"]
    static let trendKeys = ["capacity", "capacity_metric", "window", "exhaustion_within", "min_r2", "min_samples"]

    /// The rule, or nil when it is disabled or broken (problems go to `reader`).
    static func decode(_ node: ConfigNode, path: String, reader: inout NodeReader) -> (rule: AlertRule?, enabled: Bool) {
        guard let fields = reader.mapping(node, path, allowed: keys) else { return (nil, true) }
        let enabled = reader.bool(fields["enabled"], path + ".enabled") ?? true
        // `{name: memory_leak, enabled: false}` switches a rule off; nothing else is needed.
        if !enabled { return (nil, false) }
        let name = reader.string(fields["name"], path + ".name")
        if fields["name"] == nil { reader.report(node, path, "a rule needs a `name`") }
        if let name, name.isEmpty || !name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) {
            reader.report(fields["name"], path + ".name", "rule names use letters, digits, `_` and `-`, got \"\(name)\"")
        }
        var selector: MetricSelector?
        if let text = reader.string(fields["metric"], path + ".metric") {
            do {
                selector = try SelectorParser.parse(text)
            } catch {
                reader.report(fields["metric"], path + ".metric", error.message)
            }
        } else if fields["metric"] == nil {
            reader.report(node, path, "a rule needs a `metric`")
        }
        if let labelsNode = fields["labels"] {
            switch labelsNode {
            case .mapping(let pairs, _):
                for pair in pairs {
                    if let value = reader.string(pair.value, path + ".labels." + pair.key) {
                        selector?.matchers.append(.init(pair.key, .equal, value))
                    }
                }
            case .null:
                break
            default:
                reader.report(labelsNode, path + ".labels", "expected a mapping of label: value, got \(labelsNode.kindDescription)")
            }
        }

        // Exactly one condition.
        let present = conditionKeys.filter { fields[$0] != nil }
        var condition: Condition?
        if present.isEmpty {
            reader.report(node, path, "a rule needs one condition: above, at_least, below, at_most, increases or trend")
        } else if present.count > 1 {
            reader.report(fields[present[1]], path + "." + present[1], "a rule has one condition, this one also has `\(present[0])`")
        } else {
            let key = present[0]
            let conditionPath = path + "." + key
            switch key {
            case "above": condition = reader.number(fields[key], conditionPath).map(Condition.above)
            case "at_least": condition = reader.number(fields[key], conditionPath).map(Condition.atLeast)
            case "below": condition = reader.number(fields[key], conditionPath).map(Condition.below)
            case "at_most": condition = reader.number(fields[key], conditionPath).map(Condition.atMost)
            case "increases":
                if let flag = reader.bool(fields[key], conditionPath) {
                    if flag { condition = .increases } else { reader.report(fields[key], conditionPath, "`increases: false` is not a condition; remove it or use another condition") }
                }
            default:
                condition = decodeTrend(fields[key], conditionPath, reader: &reader).map(Condition.trend)
            }
        }

        // At most one hold.
        let holds = holdKeys.filter { fields[$0] != nil }
        var hold = HoldPolicy.immediately
        if holds.count > 1 {
            reader.report(fields[holds[1]], path + "." + holds[1], "a rule has at most one of for, samples, within; this one also has `\(holds[0])`")
        } else if let key = holds.first {
            switch key {
            case "for": hold = reader.duration(fields[key], path + ".for").map(HoldPolicy.duration) ?? hold
            case "samples": hold = reader.integer(fields[key], path + ".samples", range: 1...10_000).map(HoldPolicy.consecutiveSamples) ?? hold
            default:
                if let within = reader.mapping(fields[key], path + ".within", allowed: ["samples", "of"]) {
                    let count = reader.integer(within["samples"], path + ".within.samples", range: 1...64)
                    let of = reader.integer(within["of"], path + ".within.of", range: 1...64)
                    if within["samples"] == nil || within["of"] == nil {
                        reader.report(fields[key], path + ".within", "needs both `samples` and `of`, e.g. {samples: 3, of: 5}")
                    } else if let count, let of {
                        if count > of { reader.report(within["samples"], path + ".within.samples", "\(count) of \(of) can never happen: samples must be ≤ of") }
                        else { hold = .within(samples: count, of: of) }
                    }
                }
            }
        }

        var clear: Double?
        if let node = fields["clear"] {
            clear = reader.number(node, path + ".clear")
            if let value = clear, let condition {
                switch condition {
                case .above(let threshold), .atLeast(let threshold):
                    if value > threshold { reader.report(node, path + ".clear", "for an upward threshold (\(threshold)) the clear value must be at or below it, got \(value)") }
                case .below(let threshold), .atMost(let threshold):
                    if value < threshold { reader.report(node, path + ".clear", "for a downward threshold (\(threshold)) the clear value must be at or above it, got \(value)") }
                case .increases, .trend:
                    reader.report(node, path + ".clear", "`clear` applies to above, at_least, below and at_most rules only")
                }
            }
        }
        let keepFiringFor = reader.duration(fields["keep_firing_for"], path + ".keep_firing_for") ?? .zero
        let severity = fields["severity"] == nil ? .warning : reader.choice(fields["severity"], path + ".severity", Severity.self)
        let family = reader.string(fields["family"], path + ".family")
        let summary = reader.string(fields["summary"], path + ".summary")

        guard let name, let selector, let condition, let severity else { return (nil, enabled) }
        return (AlertRule(name: name, selector: selector, condition: condition, hold: hold, clear: clear,
                          keepFiringFor: keepFiringFor, severity: severity, family: family, summary: summary), enabled)
    }

    private static func decodeTrend(_ node: ConfigNode?, _ path: String, reader: inout NodeReader) -> TrendCondition? {
        guard let fields = reader.mapping(node, path, allowed: trendKeys) else { return nil }
        let capacity: TrendCondition.Capacity?
        switch (fields["capacity"], fields["capacity_metric"]) {
        case (nil, nil):
            reader.report(node, path, "a trend needs `capacity: <number>` or `capacity_metric: <metric>`")
            capacity = nil
        case (let fixed?, nil):
            capacity = reader.number(fixed, path + ".capacity").map(TrendCondition.Capacity.fixed)
        case (nil, let metric?):
            capacity = reader.string(metric, path + ".capacity_metric").map(TrendCondition.Capacity.metric)
        case (_, let metric?):
            reader.report(metric, path + ".capacity_metric", "give either `capacity` or `capacity_metric`, not both")
            capacity = nil
        }
        var trend = TrendCondition(capacity: capacity ?? .fixed(100))
        if let window = reader.duration(fields["window"], path + ".window", minimum: .seconds(1)) { trend.window = window }
        if let within = reader.duration(fields["exhaustion_within"], path + ".exhaustion_within", minimum: .seconds(1)) { trend.exhaustionWithin = within }
        if let r2 = reader.number(fields["min_r2"], path + ".min_r2") {
            if (0...1).contains(r2) { trend.minimumR2 = r2 } else { reader.report(fields["min_r2"], path + ".min_r2", "R² is between 0 and 1, got \(r2)") }
        }
        if let count = reader.integer(fields["min_samples"], path + ".min_samples", range: 2...100_000) { trend.minimumSamples = count }
        return capacity == nil ? nil : trend
    }
}

/// Parses `name{label="value",other!="x"}` selectors.
enum SelectorParser {
    struct Failure: Error { var message: String }

    static func parse(_ text: String) throws(Failure) -> MetricSelector {
        let trimmed = text.trimmingWhitespace()
        guard let open = trimmed.firstIndex(of: "{") else {
            try check(name: trimmed)
            return MetricSelector(trimmed)
        }
        let name = String(trimmed[..<open]).trimmingWhitespace()
        try check(name: name)
        guard trimmed.hasSuffix("}") else { throw Failure(message: "selector \"\(text)\" has no closing `}`") }
        let body = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
        var matchers: [MetricSelector.Matcher] = []
        for part in splitMatchers(String(body)) where !part.trimmingWhitespace().isEmpty {
            let item = part.trimmingWhitespace()
            let operation: MetricSelector.Matcher.Operation
            let pieces: [String]
            if let range = item.range(of: "!=") {
                operation = .notEqual
                pieces = [String(item[..<range.lowerBound]), String(item[range.upperBound...])]
            } else if let range = item.range(of: "=~") ?? item.range(of: "!~") {
                throw Failure(message: "regular-expression matchers (\(item[range])) are not supported; use = or !=")
            } else if let equals = item.firstIndex(of: "=") {
                operation = .equal
                pieces = [String(item[..<equals]), String(item[item.index(after: equals)...])]
            } else {
                throw Failure(message: "matcher \"\(item)\" needs = or !=, e.g. cpu=\"0\"")
            }
            let label = pieces[0].trimmingWhitespace()
            var value = pieces[1].trimmingWhitespace()
            if value.count >= 2, value.first == "\"", value.last == "\"" || value.first == "'" && value.last == "'" {
                value = String(value.dropFirst().dropLast())
            } else {
                throw Failure(message: "the value of label `\(label)` must be quoted, e.g. \(label)=\"\(value)\"")
            }
            guard !label.isEmpty, label.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw Failure(message: "\"\(label)\" is not a label name")
            }
            matchers.append(.init(label, operation, value))
        }
        return MetricSelector(name, matchers)
    }

    private static func check(name: String) throws(Failure) {
        guard let first = name.first, first.isLetter || first == "_",
              name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }) else {
            throw Failure(message: "\"\(name)\" is not a metric name (letters, digits and `_`, e.g. cpu_used_percent)")
        }
    }

    /// Splits on commas outside quotes.
    private static func splitMatchers(_ body: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var quote: Character?
        for character in body {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "," {
                parts.append(current)
                current = ""
                continue
            }
            current.append(character)
        }
        parts.append(current)
        return parts
    }
}
