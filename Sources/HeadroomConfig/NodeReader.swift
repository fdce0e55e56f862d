import HeadroomCore

/// Reads typed values out of a `ConfigNode` tree, collecting every problem instead of
/// stopping at the first.
struct NodeReader {
    var issues: [ConfigurationIssue] = []

    mutating func report(_ node: ConfigNode?, _ path: String, _ message: String, suggestion: String? = nil) {
        let mark = node?.mark
        issues.append(ConfigurationIssue(path: path, line: mark?.line, column: mark?.column, origin: mark?.origin ?? "configuration", message: message, suggestion: suggestion))
    }

    mutating func reportKey(_ mark: ConfigNode.Mark, _ path: String, _ message: String, suggestion: String?) {
        issues.append(ConfigurationIssue(path: path, line: mark.line, column: mark.column, origin: mark.origin, message: message, suggestion: suggestion))
    }

    /// The pairs of a mapping, reporting unknown keys (with a suggestion) and a non-mapping.
    mutating func mapping(_ node: ConfigNode?, _ path: String, allowed: [String]) -> [String: ConfigNode]? {
        guard let node else { return nil }
        if case .null = node { return [:] }
        guard case .mapping(let pairs, _) = node else {
            report(node, path, "expected a mapping of keys, got \(node.kindDescription)")
            return nil
        }
        var out: [String: ConfigNode] = [:]
        for pair in pairs {
            let keyPath = path.isEmpty ? pair.key : path + "." + pair.key
            if allowed.contains(pair.key) {
                if out[pair.key] != nil {
                    reportKey(pair.keyMark, keyPath, "key appears twice", suggestion: nil)
                }
                out[pair.key] = pair.value
            } else {
                reportKey(pair.keyMark, keyPath, "unknown key", suggestion: Suggestions.didYouMean(pair.key, allowed)
                    ?? "expected one of: \(allowed.joined(separator: ", "))")
            }
        }
        return out
    }

    mutating func string(_ node: ConfigNode?, _ path: String) -> String? {
        guard let node else { return nil }
        switch node {
        case .scalar(let text, _, _): return text
        case .null: return nil
        default:
            report(node, path, "expected a string, got \(node.kindDescription)")
            return nil
        }
    }

    mutating func number(_ node: ConfigNode?, _ path: String) -> Double? {
        guard let node else { return nil }
        if case .scalar(let text, let quoted, _) = node, !quoted, let value = Double(text.trimmingWhitespace()), value.isFinite {
            return value
        }
        report(node, path, "expected a number, got \(node.kindDescription)")
        return nil
    }

    mutating func integer(_ node: ConfigNode?, _ path: String, range: ClosedRange<Int>) -> Int? {
        guard let node else { return nil }
        if case .scalar(let text, let quoted, _) = node, !quoted, let value = Int(text.trimmingWhitespace()) {
            if range.contains(value) { return value }
            report(node, path, "expected a whole number from \(range.lowerBound) to \(range.upperBound), got \(value)")
            return nil
        }
        report(node, path, "expected a whole number, got \(node.kindDescription)")
        return nil
    }

    mutating func bool(_ node: ConfigNode?, _ path: String) -> Bool? {
        guard let node else { return nil }
        if case .scalar(let text, let quoted, _) = node, !quoted {
            switch text.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: break
            }
        }
        report(node, path, "expected true or false, got \(node.kindDescription)")
        return nil
    }

    mutating func duration(_ node: ConfigNode?, _ path: String, minimum: Duration = .zero) -> Duration? {
        guard let node else { return nil }
        if case .scalar(let text, _, _) = node, let value = HumanDuration.parse(text) {
            if value >= minimum { return value }
            report(node, path, "must be at least \(minimum.headroomDescription), got \"\(text)\"")
            return nil
        }
        report(node, path, "expected a duration such as \"500ms\", \"10s\", \"5m\" or \"1h30m\", got \(node.kindDescription)")
        return nil
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ node: ConfigNode?, _ path: String, _: T.Type) -> T? where T.RawValue == String {
        guard let text = string(node, path) else { return nil }
        if let value = T(rawValue: text) { return value }
        let allowed = T.allCases.map(\.rawValue)
        report(node, path, "\"\(text)\" is not one of \(allowed.joined(separator: ", "))", suggestion: Suggestions.didYouMean(text, allowed))
        return nil
    }

    mutating func stringList(_ node: ConfigNode?, _ path: String) -> [String]? {
        guard let node else { return nil }
        switch node {
        case .null: return []
        case .sequence(let items, _):
            var out: [String] = []
            for (index, item) in items.enumerated() {
                if let text = string(item, "\(path)[\(index)]") { out.append(text) }
            }
            return out
        case .scalar(let text, _, _):
            // Comma lists are accepted so environment overrides can set lists.
            return text.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
        default:
            report(node, path, "expected a list of strings, got \(node.kindDescription)")
            return nil
        }
    }
}
