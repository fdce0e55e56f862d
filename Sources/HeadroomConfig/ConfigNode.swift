import Yams

/// A YAML value with where it came from: the tree the loader validates, overrides and
/// decodes (Yams' own nodes would lose the origin of environment overrides).
indirect enum ConfigNode: Sendable {
    /// A scalar; `quoted` when written in quotes (then never a number or boolean).
    case scalar(String, quoted: Bool, Mark)
    case mapping([(key: String, keyMark: Mark, value: ConfigNode)], Mark)
    case sequence([ConfigNode], Mark)
    case null(Mark)

    /// Where a node was written.
    struct Mark: Sendable, Hashable {
        var origin: String
        var line: Int?
        var column: Int?
    }

    var mark: Mark {
        switch self {
        case .scalar(_, _, let mark), .mapping(_, let mark), .sequence(_, let mark), .null(let mark): mark
        }
    }

    /// What kind of value this is, for "expected …, got …" messages.
    var kindDescription: String {
        switch self {
        case .scalar(let text, _, _): "\"\(text.count > 40 ? String(text.prefix(40)) + "…" : text)\""
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .null: "nothing"
        }
    }

    /// The value under `key` of a mapping.
    subscript(key: String) -> ConfigNode? {
        guard case .mapping(let pairs, _) = self else { return nil }
        return pairs.last { $0.key == key }?.value
    }

    /// Sets `key` of a mapping (appending it when missing).
    mutating func set(_ key: String, _ value: ConfigNode, keyMark: Mark) {
        guard case .mapping(var pairs, let mark) = self else { return }
        if let index = pairs.lastIndex(where: { $0.key == key }) {
            pairs[index].value = value
        } else {
            pairs.append((key, keyMark, value))
        }
        self = .mapping(pairs, mark)
    }

    /// Builds the tree from Yams' node, recording lines and columns.
    static func from(_ node: Node, origin: String) -> ConfigNode {
        let mark = Mark(origin: origin, line: node.mark.map { $0.line }, column: node.mark.map { $0.column })
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) { return .null(mark) }
            return .scalar(scalar.string, quoted: scalar.style != .plain, mark)
        case .mapping(let mapping):
            return .mapping(mapping.map { key, value in
                let keyMark = Mark(origin: origin, line: key.mark.map { $0.line }, column: key.mark.map { $0.column })
                return (key.string ?? "\(key)", keyMark, from(value, origin: origin))
            }, mark)
        case .sequence(let sequence):
            return .sequence(sequence.map { from($0, origin: origin) }, mark)
        case .alias(let alias):
            return .scalar("*" + alias.anchor.rawValue, quoted: false, mark)
        }
    }
}
