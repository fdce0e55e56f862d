package import HeadroomCore

/// Reads typed values out of a `ConfigNode` tree, collecting every problem instead of
/// stopping at the first: each reader reports what it expected and returns nil.
package struct NodeReader {
    /// Problems that stop the configuration from loading.
    package private(set) var issues: [ConfigurationIssue] = []
    /// Problems worth showing that do not stop it.
    package private(set) var warnings: [ConfigurationIssue] = []

    /// A reader with no problems found yet.
    package init() {}

    // MARK: - Reporting

    package mutating func report(_ mark: ConfigNode.Mark, _ path: String, _ message: String, suggestion: String? = nil) {
        issues.append(
            ConfigurationIssue(
                path: path, line: mark.line, column: mark.column, origin: mark.origin,
                message: message, suggestion: suggestion))
    }

    package mutating func report(_ node: ConfigNode, _ path: String, _ message: String, suggestion: String? = nil) {
        report(node.mark, path, message, suggestion: suggestion)
    }

    package mutating func warn(_ mark: ConfigNode.Mark, _ path: String, _ message: String, suggestion: String? = nil) {
        warnings.append(
            ConfigurationIssue(
                path: path, line: mark.line, column: mark.column, origin: mark.origin,
                message: message, suggestion: suggestion))
    }

    package mutating func add(_ issue: ConfigurationIssue) { issues.append(issue) }

    package mutating func addWarning(_ issue: ConfigurationIssue) { warnings.append(issue) }

    // MARK: - Mappings

    /// The allowed keys of a mapping. Unknown keys are reported with the closest allowed
    /// key, or the list of allowed keys; `elsewhere` explains keys that belong to another
    /// kind of entry (`path` on a console channel). Null is an empty mapping.
    package mutating func fields(
        _ node: ConfigNode, _ path: String, allowed: [String], expected: String, elsewhere: [String: String] = [:]
    ) -> Fields? {
        if case .null = node { return Fields(node: node, path: path, values: [:]) }
        guard case .mapping(let pairs, _) = node else {
            report(node, path, "expected \(expected), got \(node.kindDescription)")
            return nil
        }
        var values: [String: ConfigNode] = [:]
        for pair in pairs {
            let keyPath = path.isEmpty ? pair.key : "\(path).\(pair.key)"
            if allowed.contains(pair.key) {
                if !pair.value.isNull { values[pair.key] = pair.value }
            } else if let explanation = elsewhere[pair.key] {
                report(pair.keyMark, keyPath, "unknown key: \(explanation)")
            } else {
                report(
                    pair.keyMark, keyPath, "unknown key",
                    suggestion: Suggestions.didYouMean(pair.key, allowed) ?? "expected one of: \(allowed.joined(separator: ", "))")
            }
        }
        return Fields(node: node, path: path, values: values)
    }

    // MARK: - Scalars

    /// Any scalar as text (`name: 123` is the name "123").
    package mutating func string(_ node: ConfigNode, _ path: String, expected: String = "text") -> String? {
        if let text = node.scalarText { return text }
        report(node, path, "expected \(expected), got \(node.kindDescription)")
        return nil
    }

    /// A finite number: `90`, `0.5`, `-3`, `1e9` (quotes are tolerated).
    package mutating func number(_ node: ConfigNode, _ path: String) -> Double? {
        if let text = node.scalarText, let value = Double(text.trimmingWhitespace()), value.isFinite { return value }
        report(node, path, "expected a number such as 90 or 0.5, got \(node.kindDescription)")
        return nil
    }

    /// A whole number within `range`.
    package mutating func integer(_ node: ConfigNode, _ path: String, range: ClosedRange<Int>) -> Int? {
        guard let text = node.scalarText, let value = Int(text.trimmingWhitespace()) else {
            report(node, path, "expected a whole number from \(range.lowerBound) to \(range.upperBound), got \(node.kindDescription)")
            return nil
        }
        guard range.contains(value) else {
            report(node, path, "expected a whole number from \(range.lowerBound) to \(range.upperBound), got \(value)")
            return nil
        }
        return value
    }

    /// `true` or `false` (also `yes`/`no`, `on`/`off`, in any case).
    package mutating func bool(_ node: ConfigNode, _ path: String) -> Bool? {
        if let text = node.scalarText, let value = Self.boolValue(text) { return value }
        report(node, path, "expected true or false, got \(node.kindDescription)")
        return nil
    }

    /// The boolean a scalar spells, if it spells one.
    package static func boolValue(_ text: String) -> Bool? {
        switch text.trimmingWhitespace().lowercased() {
        case "true", "yes", "on": true
        case "false", "no", "off": false
        default: nil
        }
    }

    /// `500ms`, `10s`, `5m`, `1h30m`, `2d`, or a bare number of seconds; at least `minimum`.
    package mutating func duration(_ node: ConfigNode, _ path: String, minimum: Duration = .zero) -> Duration? {
        guard let text = node.scalarText, let value = HumanDuration.parse(text) else {
            report(node, path, "expected a duration such as \"500ms\", \"10s\", \"5m\" or \"1h30m\" (a bare number is seconds), got \(node.kindDescription)")
            return nil
        }
        guard value >= minimum else {
            report(node, path, "expected a duration of at least \(YAMLText.duration(minimum)), got \"\(text)\"")
            return nil
        }
        return value
    }

    /// One of an enumeration's raw values, with a suggestion for near misses.
    package mutating func choice<T: RawRepresentable & CaseIterable>(_ node: ConfigNode, _ path: String, _: T.Type) -> T? where T.RawValue == String {
        let allowed = T.allCases.map(\.rawValue)
        guard let text = node.scalarText else {
            report(node, path, "expected one of \(allowed.joined(separator: ", ")), got \(node.kindDescription)")
            return nil
        }
        if let value = T(rawValue: text) { return value }
        report(
            node, path, "expected one of \(allowed.joined(separator: ", ")), got \"\(text)\"",
            suggestion: Suggestions.didYouMean(text, allowed))
        return nil
    }

    /// A list of names; a scalar is read as a comma-separated list (so environment
    /// variables can set lists: `HEADROOM_COLLECTORS_DISABLED=load,pressure`).
    package mutating func names(_ node: ConfigNode, _ path: String) -> [(name: String, node: ConfigNode)]? {
        switch node {
        case .null:
            return []
        case .sequence(let items, _):
            var out: [(String, ConfigNode)] = []
            for (index, item) in items.enumerated() {
                if let text = string(item, "\(path)[\(index)]", expected: "a name") { out.append((text, item)) }
            }
            return out
        case .scalar(let text, _, _):
            return text.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }.map { ($0, node) }
        case .mapping:
            report(node, path, "expected a list of names such as [load, pressure], got \(node.kindDescription)")
            return nil
        }
    }

    // MARK: - Keys of a mapping

    package mutating func string(_ fields: Fields, _ key: String, expected: String = "text") -> String? {
        fields[key].flatMap { string($0, fields.path(key), expected: expected) }
    }

    package mutating func number(_ fields: Fields, _ key: String) -> Double? {
        fields[key].flatMap { number($0, fields.path(key)) }
    }

    package mutating func integer(_ fields: Fields, _ key: String, range: ClosedRange<Int>) -> Int? {
        fields[key].flatMap { integer($0, fields.path(key), range: range) }
    }

    package mutating func bool(_ fields: Fields, _ key: String) -> Bool? {
        fields[key].flatMap { bool($0, fields.path(key)) }
    }

    package mutating func duration(_ fields: Fields, _ key: String, minimum: Duration = .zero) -> Duration? {
        fields[key].flatMap { duration($0, fields.path(key), minimum: minimum) }
    }

    package mutating func choice<T: RawRepresentable & CaseIterable>(_ fields: Fields, _ key: String, _ type: T.Type) -> T? where T.RawValue == String {
        fields[key].flatMap { choice($0, fields.path(key), type) }
    }

    /// A nested mapping under `key`.
    package mutating func fields(_ fields: Fields, _ key: String, allowed: [String], expected: String) -> Fields? {
        fields[key].flatMap { self.fields($0, fields.path(key), allowed: allowed, expected: expected) }
    }

    /// `key` inline or `key_file` naming a file that holds it (read when needed); both is an error.
    package mutating func secret(_ fields: Fields, _ key: String) -> Secret? {
        let inline = string(fields, key)
        let file = string(fields, key + "_file")
        switch (inline, file) {
        case (let value?, nil):
            if value.isEmpty { report(fields[key] ?? fields.node, fields.path(key), "must not be empty") }
            return Secret(value)
        case (nil, let path?): return .file(path)
        case (.some, .some):
            report(fields.node, fields.path(key), "give either \(key) or \(key)_file, not both")
            return nil
        case (nil, nil): return nil
        }
    }
}
