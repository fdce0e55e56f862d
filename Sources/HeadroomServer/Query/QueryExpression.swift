import HeadroomCore

/// What the history API evaluates (pure): a metric selector, or arithmetic on number
/// literals (Grafana's "Save & test" sends `1+1`). Anything else of PromQL answers
/// `bad_data` with a sentence saying what is not supported.
enum QueryExpression: Equatable {
    case selector(MetricSelector)
    case scalar(Double)

    /// An example selector for error messages.
    static let example = #"headroom_gpu_memory_used_bytes{gpu="0"}"#

    /// Parses the `query` parameter.
    static func parse(_ text: String) throws(QueryError) -> QueryExpression {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else {
            throw .invalidParameter("query", "the query is empty; give a metric selector such as \(example)")
        }
        if let value = ScalarArithmetic.evaluate(trimmed) { return .scalar(value) }
        do {
            return .selector(try SelectorSyntax.parse(trimmed))
        } catch {
            throw .invalidParameter("query", unsupported(trimmed) ?? error.message)
        }
    }

    /// Parses one `match[]` parameter: a selector only.
    static func parseMatch(_ text: String) throws(QueryError) -> MetricSelector {
        do {
            return try SelectorSyntax.parse(text)
        } catch {
            throw .invalidParameter("match[]", unsupported(text.trimmingWhitespace()) ?? error.message)
        }
    }

    private static let aggregations: Set<String> = [
        "sum", "avg", "min", "max", "count", "group", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values", "limitk",
        "limit_ratio",
    ]

    /// A sentence naming the PromQL feature `text` uses that Headroom does not evaluate, or
    /// nil when it uses none (then the selector parser's message says what is wrong).
    static func unsupported(_ text: String) -> String? {
        let outside = outsideQuotes(text)
        let only = "Headroom's history API evaluates metric selectors only, such as \(example)"
        if let open = outside.firstIndex(of: "(") {
            let function = String(outside[..<open].reversed().drop { $0 == " " }.prefix { $0.isLetter || $0.isNumber || $0 == "_" }.reversed())
            // `sum by (gpu) (m)`: the aggregation is the first word, before its grouping.
            let first = String(outside.drop { $0 == " " }.prefix { $0.isLetter || $0 == "_" })
            if let aggregation = [first, function].first(where: { aggregations.contains($0.lowercased()) }) {
                return "aggregations such as \(aggregation)() are not supported: \(only); let Grafana aggregate (a transformation)"
            }
            if !function.isEmpty {
                return "functions such as \(function)() are not supported: \(only)"
            }
        }
        if outside.contains("[") { return "range vectors (m[5m]) and subqueries are not supported: \(only)" }
        let words = outside.split { !($0.isLetter || $0.isNumber || $0 == "_") }
        if words.contains("offset") || outside.contains("@") { return "the offset and @ modifiers are not supported: \(only)" }
        let withoutBraces = outsideBraces(outside)
        let operators: Set<Character> = ["+", "-", "*", "/", "%", "^", "<", ">", "=", "!", "(", ")"]
        let wordOperators: Set<Substring> = ["and", "or", "unless", "atan2", "bool", "on", "ignoring", "by", "without"]
        if withoutBraces.contains(where: operators.contains)
            || withoutBraces.split(separator: " ").dropFirst().contains(where: wordOperators.contains)
        {
            return "operators are not supported, except arithmetic on numbers such as 1+1: \(only)"
        }
        return nil
    }

    /// `text` with the contents of quoted strings removed (the quotes stay).
    private static func outsideQuotes(_ text: String) -> String {
        var out = ""
        var quote: Character?
        var escaped = false
        for character in text {
            if let open = quote {
                if escaped {
                    escaped = false
                } else if character == "\\" && open != "`" {
                    escaped = true
                } else if character == open {
                    quote = nil
                    out.append(character)
                }
                continue
            }
            if character == "\"" || character == "'" || character == "`" { quote = character }
            out.append(character)
        }
        return out
    }

    /// `text` (already without quoted contents) with the label matchers in braces removed.
    private static func outsideBraces(_ text: String) -> String {
        var out = ""
        var depth = 0
        for character in text {
            if character == "{" { depth += 1 } else if character == "}" { depth = max(0, depth - 1) } else if depth == 0 { out.append(character) }
        }
        return out
    }
}
