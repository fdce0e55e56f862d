/// Chooses series by metric name and optional label matchers, like a PromQL
/// instant selector: `cpu_core_used_percent{cpu!="0"}`, `gpu_memory_used_bytes{gpu=~"0|1"}`.
/// A selector written without a name (`{__name__=~"gpu_.*"}`) has an empty `metric` and
/// keeps its `__name__` matchers, which `matches(_:)` checks against the series name.
public struct MetricSelector: Sendable, Hashable, CustomStringConvertible {
    /// The label that holds the metric name in a name-less selector.
    public static let nameLabel = "__name__"

    /// One label condition.
    public struct Matcher: Sendable, Hashable, CustomStringConvertible {
        public enum Operation: String, Sendable, Hashable {
            /// `=`: the label equals the value (an absent label equals "").
            case equal = "="
            /// `!=`: the label differs from the value.
            case notEqual = "!="
            /// `=~`: the whole label value matches the regular expression.
            case matchesRegex = "=~"
            /// `!~`: the whole label value does not match the regular expression.
            case notMatchesRegex = "!~"
        }
        public var label: String
        public var operation: Operation
        /// The value, or the regular expression's text for `=~` and `!~`.
        public var value: String
        /// The compiled expression of `=~` and `!~`, nil for `=` and `!=` (which then cost no
        /// more than a string comparison).
        private let pattern: LabelPattern?

        /// A matcher; for `=~` and `!~` the expression is compiled here, once, and an invalid
        /// one never matches (`SelectorSyntax` rejects it with a message before it gets here).
        public init(_ label: String, _ operation: Operation = .equal, _ value: String) {
            self.label = label
            self.operation = operation
            self.value = value
            switch operation {
            case .equal, .notEqual: pattern = nil
            case .matchesRegex, .notMatchesRegex: pattern = try? LabelPattern(value)
            }
        }

        init(_ label: String, _ operation: Operation, pattern: LabelPattern) {
            self.label = label
            self.operation = operation
            self.value = pattern.source
            self.pattern = pattern
        }

        /// Whether `labels` satisfy the condition; an absent label reads as "".
        public func matches(_ labels: Labels) -> Bool {
            matches(value: labels[label] ?? "")
        }

        /// Whether a label whose value is `actual` satisfies the condition.
        public func matches(value actual: String) -> Bool {
            switch operation {
            case .equal: return actual == value
            case .notEqual: return actual != value
            case .matchesRegex: return pattern?.matches(actual) ?? false
            case .notMatchesRegex: return !(pattern?.matches(actual) ?? false)
            }
        }

        public var description: String { "\(label)\(operation.rawValue)\"\(value)\"" }

        // The compiled pattern follows from the value: equality and hashing ignore it.
        public static func == (lhs: Matcher, rhs: Matcher) -> Bool {
            lhs.label == rhs.label && lhs.operation == rhs.operation && lhs.value == rhs.value
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(label)
            hasher.combine(operation)
            hasher.combine(value)
        }
    }

    /// The metric name; empty when the selector names series by `__name__` matchers only.
    public var metric: String
    public var matchers: [Matcher]

    public init(_ metric: String, _ matchers: [Matcher] = []) {
        self.metric = metric
        self.matchers = matchers
    }

    /// Whether the series `key` is selected: its name (by `metric`, and by `__name__`
    /// matchers) and its labels.
    public func matches(_ key: SeriesKey) -> Bool {
        guard metric.isEmpty || key.name == metric else { return false }
        return matchers.allSatisfy { matcher in
            matcher.label == Self.nameLabel ? matcher.matches(value: key.name) : matcher.matches(key.labels)
        }
    }

    /// Whether `labels` satisfy every matcher, for callers that have already compared the
    /// metric name (rules always have one and no `__name__` matcher).
    public func matchesLabels(_ labels: Labels) -> Bool {
        matchers.allSatisfy { $0.matches(labels) }
    }

    public var description: String {
        if matchers.isEmpty { return metric.isEmpty ? "{}" : metric }
        return metric + "{" + matchers.map(\.description).joined(separator: ",") + "}"
    }
}

/// A compiled, fully anchored regular expression of a `=~` or `!~` matcher (as Prometheus
/// anchors RE2 expressions), matched on Unicode scalars.
///
/// `Regex` is not `Sendable`; this box is, because it never mutates the expression after
/// `init` and `Regex` builds its matching program once, thread-safely, on first use.
final class LabelPattern: @unchecked Sendable {
    let source: String
    private let regex: Regex<AnyRegexOutput>

    init(_ source: String) throws {
        self.source = source
        regex = try Regex(source).matchingSemantics(.unicodeScalar)
    }

    func matches(_ value: String) -> Bool {
        (try? regex.wholeMatch(in: value)) != nil
    }
}
