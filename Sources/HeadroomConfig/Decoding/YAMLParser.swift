import HeadroomConfigSyntax
import Yams

/// YAML text → `ConfigNode` tree with lines and columns, or the syntax error as an issue.
enum YAMLParser {
    /// Parses one YAML document. An empty document (or only comments) is `.null`.
    static func parse(_ text: String, origin: String) -> Result<ConfigNode, ConfigurationIssue> {
        do {
            // The basic resolver: Headroom types scalars itself, and the default resolver's
            // regular expressions would load ICU into the daemon (about 4 MiB resident).
            guard let node = try Yams.compose(yaml: text, .basic) else {
                return .success(.null(ConfigNode.Mark(origin: origin, line: 1, column: 1)))
            }
            return .success(convert(node, origin: origin))
        } catch let error as YamlError {
            return .failure(issue(error, text: text, origin: origin))
        } catch {
            return .failure(ConfigurationIssue(path: "", origin: origin, message: "not valid YAML: \(error)"))
        }
    }

    // MARK: - Nodes

    private static func convert(_ node: Node, origin: String) -> ConfigNode {
        let mark = self.mark(node.mark, origin: origin)
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) { return .null(mark) }
            return .scalar(scalar.string, quoted: scalar.style != .plain, mark)
        case .mapping(let mapping):
            return .mapping(
                mapping.map { key, value in
                    ConfigNode.Pair(key: key.string ?? "\(key)", keyMark: self.mark(key.mark, origin: origin), value: convert(value, origin: origin))
                }, mark)
        case .sequence(let sequence):
            return .sequence(sequence.map { convert($0, origin: origin) }, mark)
        case .alias(let alias):
            // Yams resolves aliases while composing; an unresolved one stays visible as text.
            return .scalar("*" + alias.anchor.rawValue, quoted: false, mark)
        }
    }

    private static func mark(_ mark: Yams.Mark?, origin: String) -> ConfigNode.Mark {
        ConfigNode.Mark(origin: origin, line: mark?.line, column: mark?.column)
    }

    // MARK: - Errors

    private static func issue(_ error: YamlError, text: String, origin: String) -> ConfigurationIssue {
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            var message = "not valid YAML: \(problem)"
            if let context {
                message += " (\(context.text) that starts at line \(context.mark.line))"
            }
            let line = self.line(mark.line, of: text)
            let tabs = line.map { $0.prefix { $0 == " " || $0 == "\t" }.contains("\t") } ?? false
            return ConfigurationIssue(
                path: "", line: mark.line, column: mark.column, origin: origin, message: message,
                suggestion: tabs ? "indent with spaces: YAML does not allow tabs in indentation" : nil)
        case .reader(let problem, let offset, _, _):
            let (line, column) = offset.map { position(ofCharacter: $0, in: text) } ?? (nil, nil)
            return ConfigurationIssue(
                path: "", line: line, column: column, origin: origin,
                message: "not valid YAML: \(problem)", suggestion: "remove or escape the control character")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
            return ConfigurationIssue(
                path: "", line: context.mark.line, column: context.mark.column, origin: origin,
                message: "key \(keys) appears more than once in the same mapping", suggestion: "keep one of them")
        default:
            return ConfigurationIssue(path: "", origin: origin, message: "not valid YAML: \(error)")
        }
    }

    private static func line(_ number: Int, of text: String) -> Substring? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.indices.contains(number - 1) ? lines[number - 1] : nil
    }

    private static func position(ofCharacter offset: Int, in text: String) -> (Int?, Int?) {
        var line = 1
        var column = 1
        for character in text.prefix(offset) {
            if character == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}
