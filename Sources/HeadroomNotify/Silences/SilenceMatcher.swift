import Foundation

/// One condition of a silence on a notification's labels: `name=value`, `name!=value`,
/// `name=~regex`, `name!~regex` (regular expressions match the whole value) (pure).
public struct SilenceMatcher: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Operator: String, Sendable, Hashable, Codable, CaseIterable {
        case equal = "="
        case notEqual = "!="
        case matches = "=~"
        case notMatches = "!~"
    }

    public var name: String
    public var op: Operator
    public var value: String

    public init(name: String, op: Operator, value: String) {
        self.name = name
        self.op = op
        self.value = value
    }

    /// Parses `name=value` and the other forms; nil with a reason when it does not parse.
    public static func parse(_ text: String) -> Result<SilenceMatcher, SilenceError> {
        for op in [Operator.notEqual, .matches, .notMatches, .equal] {
            guard let range = text.range(of: op.rawValue) else { continue }
            let name = String(text[..<range.lowerBound])
            let value = String(text[range.upperBound...])
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { break }
            if op == .matches || op == .notMatches {
                guard (try? Regex(value)) != nil else { return .failure(SilenceError("\(text): \(value) is not a valid regular expression")) }
            }
            return .success(SilenceMatcher(name: name, op: op, value: value))
        }
        return .failure(
            SilenceError("\(text): expected NAME=VALUE, NAME!=VALUE, NAME=~REGEX or NAME!~REGEX (names: alertname, severity, metric, host, or a label)"))
    }

    /// Whether the label `name` of `labels` (missing: empty) satisfies this matcher.
    public func matches(_ labels: [String: String]) -> Bool {
        let actual = labels[name] ?? ""
        switch op {
        case .equal: return actual == value
        case .notEqual: return actual != value
        case .matches, .notMatches:
            let whole = (try? Regex(value)).map { (try? $0.wholeMatch(in: actual)) != nil } ?? false
            return op == .matches ? whole : !whole
        }
    }

    public var description: String { name + op.rawValue + value }
}

/// A silence that cannot be parsed, stored or found.
public struct SilenceError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, for the exit code or HTTP status that reports it.
    public enum Kind: Sendable {
        /// A matcher, duration or request that does not parse (exit 2, HTTP 400).
        case invalid
        /// No running silence has that id (exit 1, HTTP 404).
        case notFound
        /// The silences file cannot be read or written (exit 1, HTTP 500).
        case storage
        /// The id names another silence already (exit 1, HTTP 409).
        case conflict
    }

    public var description: String
    public var kind: Kind
    public init(_ description: String, kind: Kind = .invalid) {
        self.description = description
        self.kind = kind
    }
}
