import HeadroomCore

/// A YAML value with where it came from: the tree the loader overrides, merges and decodes.
/// (Yams' own `Node` cannot say that a value came from an environment variable.)
package indirect enum ConfigNode: Sendable {
    /// A scalar; `quoted` when written in quotes (then never a number or boolean).
    case scalar(String, quoted: Bool, Mark)
    /// A mapping, in the order written, with where each key was written.
    case mapping([Pair], Mark)
    case sequence([ConfigNode], Mark)
    /// `~`, `null` or nothing: treated as if the key were absent.
    case null(Mark)

    /// One key of a mapping.
    package struct Pair: Sendable {
        package var key: String
        package var keyMark: Mark
        package var value: ConfigNode

        package init(key: String, keyMark: Mark, value: ConfigNode) {
            self.key = key
            self.keyMark = keyMark
            self.value = value
        }
    }

    /// Where a node was written.
    package struct Mark: Sendable, Hashable {
        /// The file name, `built-in rules`, or `env HEADROOM_…`.
        package var origin: String
        package var line: Int?
        package var column: Int?

        package init(origin: String, line: Int?, column: Int?) {
            self.origin = origin
            self.line = line
            self.column = column
        }

        /// The mark of a value set by an environment variable.
        package static func environment(_ variable: String) -> Mark {
            Mark(origin: "env \(variable)", line: nil, column: nil)
        }
    }

    package var mark: Mark {
        switch self {
        case .scalar(_, _, let mark), .mapping(_, let mark), .sequence(_, let mark), .null(let mark): mark
        }
    }

    package var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The text of an unquoted or quoted scalar.
    package var scalarText: String? {
        if case .scalar(let text, _, _) = self { return text }
        return nil
    }

    /// What this is, for "expected …, got …" messages.
    package var kindDescription: String {
        switch self {
        case .scalar(let text, let quoted, _):
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            return quoted ? "the quoted string \"\(shown)\"" : "\"\(shown)\""
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .null: return "nothing"
        }
    }

    /// The value under `key` of a mapping (the last one written).
    package subscript(key: String) -> ConfigNode? {
        guard case .mapping(let pairs, _) = self else { return nil }
        return pairs.last { $0.key == key }?.value
    }

    /// Sets `key` of a mapping, appending it when missing; a null node becomes a mapping first.
    package mutating func set(_ key: String, _ value: ConfigNode, keyMark: Mark) {
        if case .null(let mark) = self { self = .mapping([], mark) }
        guard case .mapping(var pairs, let mark) = self else { return }
        if let index = pairs.lastIndex(where: { $0.key == key }) {
            pairs[index].value = value
        } else {
            pairs.append(Pair(key: key, keyMark: keyMark, value: value))
        }
        self = .mapping(pairs, mark)
    }

    /// Removes `key` from a mapping.
    package mutating func remove(_ key: String) {
        guard case .mapping(let pairs, let mark) = self else { return }
        self = .mapping(pairs.filter { $0.key != key }, mark)
    }

    /// The same tree with every mark replaced: built-in rules report as `built-in rules`, not
    /// as lines of a string users never see.
    package func relabelled(_ mark: Mark) -> ConfigNode {
        switch self {
        case .scalar(let text, let quoted, _): .scalar(text, quoted: quoted, mark)
        case .mapping(let pairs, _): .mapping(pairs.map { Pair(key: $0.key, keyMark: mark, value: $0.value.relabelled(mark)) }, mark)
        case .sequence(let items, _): .sequence(items.map { $0.relabelled(mark) }, mark)
        case .null: .null(mark)
        }
    }

    /// An environment variable's value as a YAML scalar: surrounding spaces trimmed, `null`
    /// and `~` are null, a value wrapped in matching quotes is a quoted string.
    package static func environmentValue(_ value: String, variable: String) -> ConfigNode {
        let mark = Mark.environment(variable)
        let text = value.trimmingWhitespace()
        if ["~", "null", "Null", "NULL"].contains(text) { return .null(mark) }
        if text.count >= 2, let first = text.first, first == "\"" || first == "'", text.last == first {
            return .scalar(String(text.dropFirst().dropLast()), quoted: true, mark)
        }
        return .scalar(text, quoted: false, mark)
    }
}
