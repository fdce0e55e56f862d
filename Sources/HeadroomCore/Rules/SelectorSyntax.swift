/// The PromQL-like selector text of a rule's `metric:` and of the history API's queries:
/// `name`, `name{label="value",other!="x",gpu=~"0|1",kind!~"mig.*"}`, or a name-less
/// `{__name__=~"gpu_.*"}`. Values in double or single quotes (`\"`, `\'`, `\\`, `\n` and
/// `\t` escapes) or backquotes (raw, handy for expressions), an optional trailing comma,
/// spaces anywhere between tokens. Regular expressions are fully anchored, as in Prometheus.
public enum SelectorSyntax {
    /// Why a selector did not parse, as a sentence.
    public struct Failure: Error, Equatable {
        public var message: String
        public init(message: String) { self.message = message }
    }

    /// Parses `text` into a selector. `{__name__="x"}` reads as `x`; a name-less selector
    /// needs a matcher that does not match the empty string (as in Prometheus).
    public static func parse(_ text: String) throws(Failure) -> MetricSelector {
        var scanner = Scanner(Array(text.unicodeScalars))
        scanner.skipSpaces()
        let name = scanner.take { $0 != "{" && $0 != " " && $0 != "\t" }
        if name.isEmpty, scanner.atEnd { throw Failure(message: "expected a metric name such as cpu_used_percent, got nothing") }
        guard name.isEmpty || isMetricName(name) else {
            throw Failure(message: "\"\(name)\" is not a metric name: it starts with a letter or _ and has letters, digits and _ (e.g. cpu_used_percent)")
        }
        scanner.skipSpaces()
        if scanner.atEnd { return MetricSelector(name) }
        guard scanner.peek == "{" else {
            throw Failure(message: "unexpected \"\(scanner.rest)\" after the metric name \(name); label matchers go in braces: \(name){label=\"value\"}")
        }
        let metric = name.isEmpty ? "the selector" : name
        scanner.advance()
        var matchers: [MetricSelector.Matcher] = []
        while true {
            scanner.skipSpaces()
            if scanner.peek == "}" {
                scanner.advance()
                break
            }
            guard !scanner.atEnd else { throw Failure(message: "the label matchers of \(metric) have no closing \"}\"") }
            matchers.append(try matcher(&scanner, metric: metric))
            scanner.skipSpaces()
            if scanner.peek == "," {
                scanner.advance()
                continue
            }
            if scanner.peek == "}" {
                scanner.advance()
                break
            }
            if scanner.atEnd { throw Failure(message: "the label matchers of \(metric) have no closing \"}\"") }
            throw Failure(message: "expected \",\" or \"}\" after \(matchers.last!), got \"\(scanner.rest)\"")
        }
        scanner.skipSpaces()
        guard scanner.atEnd else { throw Failure(message: "unexpected \"\(scanner.rest)\" after the closing \"}\"") }
        return try named(name, matchers)
    }

    /// The selector as text that `parse` reads back to an equal selector.
    public static func format(_ selector: MetricSelector) -> String {
        guard !selector.matchers.isEmpty else { return selector.metric }
        let matchers = selector.matchers.map { matcher in
            matcher.label + matcher.operation.rawValue + TextEscaping.quoted(matcher.value, .selector)
        }
        return selector.metric + "{" + matchers.joined(separator: ",") + "}"
    }

    /// `cpu_used_percent`, `node:load1`: a letter, `_` or `:`, then letters, digits, `_` and `:`.
    public static func isMetricName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { isNameCharacter($0) || $0 == ":" }
    }

    /// `cpu`, `kind`, `_x`: a letter or `_`, then letters, digits and `_`.
    public static func isLabelName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy(isNameCharacter)
    }

    /// The selector of `name` and `matchers`, with the metric name given once: before the
    /// braces, or in a `__name__` matcher.
    private static func named(_ name: String, _ matchers: [MetricSelector.Matcher]) throws(Failure) -> MetricSelector {
        let nameLabel = MetricSelector.nameLabel
        if !name.isEmpty {
            if let twice = matchers.first(where: { $0.label == nameLabel }) {
                throw Failure(message: "the metric name is given twice, as \(name) and as \(twice); write it once, before the braces or as \(nameLabel)")
            }
            return MetricSelector(name, matchers)
        }
        if let index = matchers.firstIndex(where: { $0.label == nameLabel && $0.operation == .equal }) {
            var rest = matchers
            let metric = rest.remove(at: index).value
            return MetricSelector(metric, rest)
        }
        guard matchers.contains(where: { !$0.matches(value: "") }) else {
            throw Failure(
                message: "a selector without a metric name needs a matcher that does not match the empty string, "
                    + "such as cpu_used_percent or {__name__=~\"gpu_.*\"}")
        }
        return MetricSelector("", matchers)
    }

    // MARK: - Scanning

    private static func matcher(_ scanner: inout Scanner, metric: String) throws(Failure) -> MetricSelector.Matcher {
        let label = scanner.take(while: isNameCharacter)
        guard !label.isEmpty, isLabelName(label) else {
            throw Failure(message: "expected a label name such as cpu in the braces of \(metric), got \"\(scanner.rest)\"")
        }
        scanner.skipSpaces()
        let operation: MetricSelector.Matcher.Operation
        switch (scanner.peek, scanner.peek(1)) {
        case ("!"?, "="?): operation = .notEqual
        case ("="?, "~"?): operation = .matchesRegex
        case ("!"?, "~"?): operation = .notMatchesRegex
        case ("="?, _): operation = .equal
        default: throw Failure(message: "expected =, !=, =~ or !~ after label \(label), got \"\(scanner.rest)\"")
        }
        scanner.advance(operation.rawValue.unicodeScalars.count)
        scanner.skipSpaces()
        guard let quote = scanner.peek, quote == "\"" || quote == "'" || quote == "`" else {
            let bare = scanner.take { $0 != "," && $0 != "}" && $0 != " " }
            throw Failure(message: "the value of label \(label) must be quoted: \(label)\(operation.rawValue)\"\(bare)\"")
        }
        scanner.advance()
        let value = try quoted(&scanner, quote: quote, label: label)
        switch operation {
        case .equal, .notEqual:
            return MetricSelector.Matcher(label, operation, value)
        case .matchesRegex, .notMatchesRegex:
            do {
                return MetricSelector.Matcher(label, operation, pattern: try LabelPattern(value))
            } catch {
                throw Failure(message: "the regular expression \(TextEscaping.quoted(value, .selector)) of label \(label) is not valid: \(error)")
            }
        }
    }

    /// The rest of a quoted value whose opening `quote` has been read; backquotes take no escapes.
    private static func quoted(_ scanner: inout Scanner, quote: Unicode.Scalar, label: String) throws(Failure) -> String {
        let quoteName = quote == "\"" ? "double quote" : quote == "'" ? "single quote" : "backquote"
        var value = ""
        while true {
            guard let scalar = scanner.peek else {
                throw Failure(message: "the value of label \(label) has no closing \(quoteName)")
            }
            scanner.advance()
            if scalar == quote { break }
            if scalar == "\\" && quote != "`" {
                guard let escaped = scanner.peek else { continue }
                scanner.advance()
                switch escaped {
                case "n": value += "\n"
                case "t": value += "\t"
                case "\\", "\"", "'": value.unicodeScalars.append(escaped)
                default: throw Failure(message: "unknown escape \\\(escaped) in the value of label \(label); use \\\\ for a backslash")
                }
            } else {
                value.unicodeScalars.append(scalar)
            }
        }
        return value
    }

    private static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_": true
        default: false
        }
    }

    /// A cursor over the selector's scalars.
    private struct Scanner {
        let scalars: [Unicode.Scalar]
        var position = 0

        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        var atEnd: Bool { position >= scalars.count }
        var peek: Unicode.Scalar? { peek(0) }
        func peek(_ offset: Int) -> Unicode.Scalar? {
            position + offset < scalars.count ? scalars[position + offset] : nil
        }
        var rest: String {
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars[min(position, scalars.count)...])
            return text
        }
        mutating func advance(_ count: Int = 1) { position += count }
        mutating func skipSpaces() { _ = take { $0 == " " || $0 == "\t" } }
        mutating func take(while predicate: (Unicode.Scalar) -> Bool) -> String {
            var text = ""
            while let scalar = peek, predicate(scalar) {
                text.unicodeScalars.append(scalar)
                position += 1
            }
            return text
        }
    }
}
