/// Chooses series by metric name and optional label matchers, like a PromQL
/// instant selector: `cpu_core_used_percent{cpu!="0"}`.
public struct MetricSelector: Sendable, Hashable, CustomStringConvertible {
    /// One label condition.
    public struct Matcher: Sendable, Hashable, CustomStringConvertible {
        public enum Operation: String, Sendable, Hashable {
            /// `=`: the label equals the value (an absent label equals "").
            case equal = "="
            /// `!=`: the label differs from the value.
            case notEqual = "!="
        }
        public var label: String
        public var operation: Operation
        public var value: String

        public init(_ label: String, _ operation: Operation = .equal, _ value: String) {
            self.label = label
            self.operation = operation
            self.value = value
        }

        public func matches(_ labels: Labels) -> Bool {
            let actual = labels[label] ?? ""
            switch operation {
            case .equal: return actual == value
            case .notEqual: return actual != value
            }
        }

        public var description: String { "\(label)\(operation.rawValue)\"\(value)\"" }
    }

    public var metric: String
    public var matchers: [Matcher]

    public init(_ metric: String, _ matchers: [Matcher] = []) {
        self.metric = metric
        self.matchers = matchers
    }

    public func matches(_ key: SeriesKey) -> Bool {
        key.name == metric && matchesLabels(key.labels)
    }

    public func matchesLabels(_ labels: Labels) -> Bool {
        matchers.allSatisfy { $0.matches(labels) }
    }

    public var description: String {
        matchers.isEmpty ? metric : metric + "{" + matchers.map(\.description).joined(separator: ",") + "}"
    }
}
