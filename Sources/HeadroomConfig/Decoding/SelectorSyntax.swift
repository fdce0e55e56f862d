import HeadroomCore

/// The PromQL-like selector text of a rule's `metric:`: `name`, or
/// `name{label="value",other!="x"}` with `=` and `!=`, values in double or single quotes
/// (`\"`, `\'`, `\\`, `\n` and `\t` escapes), an optional trailing comma, spaces anywhere
/// between tokens.
enum SelectorSyntax {
    /// Why a selector did not parse, as a sentence.
    struct Failure: Error, Equatable {
        var message: String
    }

    /// Parses `text` into a selector.
    static func parse(_ text: String) throws(Failure) -> MetricSelector {
        var scanner = Scanner(Array(text.unicodeScalars))
        scanner.skipSpaces()
        let name = scanner.take { $0 != "{" && $0 != " " && $0 != "\t" }
        guard !name.isEmpty else {
            if scanner.atEnd { throw Failure(message: "expected a metric name such as cpu_used_percent, got nothing") }
            throw Failure(message: "expected a metric name such as cpu_used_percent before the braces, got \"\(text)\"")
        }
        guard isMetricName(name) else {
            throw Failure(message: "\"\(name)\" is not a metric name: it starts with a letter or _ and has letters, digits and _ (e.g. cpu_used_percent)")
        }
        scanner.skipSpaces()
        if scanner.atEnd { return MetricSelector(name) }
        guard scanner.peek == "{" else {
            throw Failure(message: "unexpected \"\(scanner.rest)\" after the metric name \(name); label matchers go in braces: \(name){label=\"value\"}")
        }
        scanner.advance()
        var matchers: [MetricSelector.Matcher] = []
        while true {
            scanner.skipSpaces()
            if scanner.peek == "}" {
                scanner.advance()
                break
            }
            guard !scanner.atEnd else { throw Failure(message: "the label matchers of \(name) have no closing \"}\"") }
            matchers.append(try matcher(&scanner, metric: name))
            scanner.skipSpaces()
            if scanner.peek == "," {
                scanner.advance()
                continue
            }
            if scanner.peek == "}" {
                scanner.advance()
                break
            }
            if scanner.atEnd { throw Failure(message: "the label matchers of \(name) have no closing \"}\"") }
            throw Failure(message: "expected \",\" or \"}\" after \(matchers.last!), got \"\(scanner.rest)\"")
        }
        scanner.skipSpaces()
        guard scanner.atEnd else { throw Failure(message: "unexpected \"\(scanner.rest)\" after the closing \"}\"") }
        return MetricSelector(name, matchers)
    }

    /// The selector as text that `parse` reads back to an equal selector.
    static func format(_ selector: MetricSelector) -> String {
        guard !selector.matchers.isEmpty else { return selector.metric }
        let matchers = selector.matchers.map { matcher in
            matcher.label + matcher.operation.rawValue + TextEscaping.quoted(matcher.value, .selector)
        }
        return selector.metric + "{" + matchers.joined(separator: ",") + "}"
    }

    /// `cpu_used_percent`, `node:load1`: a letter, `_` or `:`, then letters, digits, `_` and `:`.
    static func isMetricName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { isNameCharacter($0) || $0 == ":" }
    }

    /// `cpu`, `kind`, `_x`: a letter or `_`, then letters, digits and `_`.
    static func isLabelName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy(isNameCharacter)
    }

    // MARK: - Scanning

    private static func matcher(_ scanner: inout Scanner, metric: String) throws(Failure) -> MetricSelector.Matcher {
        let label = scanner.take(while: isNameCharacter)
        guard !label.isEmpty, isLabelName(label) else {
            throw Failure(message: "expected a label name such as cpu in the braces of \(metric), got \"\(scanner.rest)\"")
        }
        scanner.skipSpaces()
        let operation: MetricSelector.Matcher.Operation
        if scanner.peek == "!" && scanner.peek(1) == "=" {
            operation = .notEqual
            scanner.advance(2)
        } else if scanner.peek == "=" && scanner.peek(1) == "~" || scanner.peek == "!" && scanner.peek(1) == "~" {
            throw Failure(message: "regular-expression matchers (=~, !~) are not supported; use = or != on label \(label)")
        } else if scanner.peek == "=" {
            operation = .equal
            scanner.advance()
        } else {
            throw Failure(message: "expected = or != after label \(label), got \"\(scanner.rest)\"")
        }
        scanner.skipSpaces()
        guard let quote = scanner.peek, quote == "\"" || quote == "'" else {
            let bare = scanner.take { $0 != "," && $0 != "}" && $0 != " " }
            throw Failure(message: "the value of label \(label) must be quoted: \(label)\(operation.rawValue)\"\(bare)\"")
        }
        scanner.advance()
        var value = ""
        while true {
            guard let scalar = scanner.peek else {
                throw Failure(message: "the value of label \(label) has no closing \(quote == "\"" ? "double" : "single") quote")
            }
            scanner.advance()
            if scalar == quote { break }
            if scalar == "\\" {
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
        return MetricSelector.Matcher(label, operation, value)
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
