/// The placeholders a rule's `summary:` may use (rendered by `MessageFormat.render`).
enum SummaryTemplate {
    /// Placeholders without an argument.
    static let placeholders = ["value", "threshold", "metric", "rule", "severity", "for", "peak", "labels", "detail", "slope", "eta", "host"]

    /// Placeholders in `template` that would stay as written: `{valu}`, `{label:}`. Text in
    /// braces that is not a single word (`{"a": 1}`) is taken as literal and not reported.
    static func unknownPlaceholders(in template: String) -> [String] {
        var unknown: [String] = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "}") else { break }
            let name = rest[afterOpen..<close]
            rest = rest[rest.index(after: close)...]
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }) else { continue }
            if placeholders.contains(String(name)) { continue }
            if name.hasPrefix("label:"), name.count > "label:".count { continue }
            unknown.append(String(name))
        }
        return unknown
    }
}
