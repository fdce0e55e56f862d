import HeadroomConfigSyntax
import HeadroomCore

/// Builds the effective rule list: the built-ins, each replaced in place by a file rule of
/// the same name, then the file's other rules; decodes it and checks names are unique.
enum RuleList {
    /// The entries in effective order, before decoding.
    static func merge(useDefaults: Bool, file: ConfigNode?, reader: inout NodeReader) -> [ListEntry] {
        var entries = BuiltinRules.entries(includeDefaults: useDefaults)
        let builtinCount = entries.count
        var replaced: Set<Int> = []
        guard let file else { return entries }
        switch file {
        case .null:
            break
        case .sequence(let items, _):
            for (index, item) in items.enumerated() {
                let entry = ListEntry(node: item, path: "rules[\(index)]", fileIndex: index)
                // Only a built-in is replaced by name; a second file rule of one name is a duplicate.
                if let name = entry.name,
                    let position = (0..<builtinCount).first(where: { entries[$0].name == name && !replaced.contains($0) })
                {
                    entries[position] = entry
                    replaced.insert(position)
                    continue
                }
                if RuleDecoder.isSwitchedOff(item), item["metric"] == nil, let name = entry.name {
                    warnSwitchOffOfNothing(name, entry: entry, useDefaults: useDefaults, reader: &reader)
                }
                entries.append(entry)
            }
        default:
            reader.report(file, "rules", "expected a list of rules (each starting with `- name: …`), got \(file.kindDescription)")
        }
        return entries
    }

    /// Decodes every entry; disabled ones are dropped, duplicate names are problems.
    static func decode(_ entries: [ListEntry], reader: inout NodeReader) -> [AlertRule] {
        var rules: [AlertRule] = []
        var firstUse: [String: String] = [:]
        for entry in entries {
            var duplicate = false
            if let name = entry.name {
                if let first = firstUse[name] {
                    let node = entry.node["name"] ?? entry.node
                    reader.report(node, "\(entry.path).name", "rule name \"\(name)\" is already used by \(first); rule names must be unique")
                    duplicate = true
                } else {
                    firstUse[name] = entry.path
                }
            }
            if case .rule(let rule) = RuleDecoder.decode(entry, reader: &reader), !duplicate {
                rules.append(rule)
            }
        }
        return rules
    }

    /// `{name: memroy_leak, enabled: false}` would silently switch nothing off.
    private static func warnSwitchOffOfNothing(_ name: String, entry: ListEntry, useDefaults: Bool, reader: inout NodeReader) {
        let mark = entry.node["enabled"]?.mark ?? entry.node.mark
        if !useDefaults, BuiltinRules.names.contains(name) {
            reader.warn(mark, "\(entry.path).enabled", "switches nothing off: default_rules is false, so the built-in rule \(name) is not loaded anyway")
        } else {
            reader.warn(
                mark, "\(entry.path).enabled", "switches nothing off: there is no built-in rule named \"\(name)\"",
                suggestion: Suggestions.didYouMean(name, BuiltinRules.names))
        }
    }
}
