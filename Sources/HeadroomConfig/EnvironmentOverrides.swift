import Foundation
/// Environment variables → configuration values.
///
/// | variable | sets |
/// |---|---|
/// | `HEADROOM_<PATH>` | any scalar key, path segments upper-cased and joined by `_`: `HEADROOM_INTERVAL`, `HEADROOM_LOG_LEVEL`, `HEADROOM_COLLECTORS_ROOT`, `HEADROOM_ALERTING_FLAPPING_MAX_CHANGES` |
/// | `HEADROOM_RULES_<N>_<KEY>` | key of the N-th rule of the file (`HEADROOM_RULES_0_FOR=30s`) |
/// | `HEADROOM_RULES_<NAME>_<KEY>` | key of the rule with that name, built-ins included (`HEADROOM_RULES_CPU_OVERLOAD_ABOVE=85`) |
/// | `HEADROOM_CHANNELS_<N or NAME>_<KEY>` | key of a channel (`HEADROOM_CHANNELS_JSONLOG_PATH=/var/log/a.jsonl`) |
/// | `HEADROOM_CHANNELS=console,jsonlog` | enables exactly these channels (by type or name); others are disabled, missing types are added with defaults |
/// | `HEADROOM_GPU_MEMORY_WARN_PERCENT` | threshold of `gpu_memory_high` |
/// | `HEADROOM_GPU_MEMORY_CRITICAL_PERCENT` | threshold of `gpu_memory_critical` |
/// | `HEADROOM_CPU_WARN_PERCENT` | threshold of `cpu_overload` |
///
/// Values are YAML scalars (`95`, `true`, `10s`) validated like file values; problems name
/// the variable. `HEADROOM_CONFIG` selects the file. Other unknown `HEADROOM_*` variables
/// are warnings. A shortcut that moves a threshold past the rule's `clear` moves `clear`
/// along, keeping the gap.
struct EnvironmentOverrides {
    private let variables: [(name: String, value: String)]
    private var used: Set<String> = []
    private var knownNames: [String] = []

    static let shortcuts: [String: String] = [
        "HEADROOM_GPU_MEMORY_WARN_PERCENT": "gpu_memory_high",
        "HEADROOM_GPU_MEMORY_CRITICAL_PERCENT": "gpu_memory_critical",
        "HEADROOM_CPU_WARN_PERCENT": "cpu_overload",
    ]

    /// Plain (non-list) keys and their paths.
    static let plainPaths: [String: [String]] = {
        var out: [String: [String]] = [:]
        func add(_ path: [String]) { out["HEADROOM_" + path.joined(separator: "_").uppercased()] = path }
        for key in ["interval", "hostname", "default_rules"] { add([key]) }
        for key in ConfigurationLoader.collectorKeys { add(["collectors", key]) }
        for key in ["repeat_interval", "inhibit", "stale_after"] { add(["alerting", key]) }
        for key in ConfigurationLoader.flappingKeys { add(["alerting", "flapping", key]) }
        for key in ConfigurationLoader.logKeys { add(["log", key]) }
        return out
    }()

    init(environment: [String: String]) {
        variables = environment.filter { $0.key.hasPrefix("HEADROOM_") && $0.key != "HEADROOM_CONFIG" }
            .sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        used.insert("HEADROOM_CONFIG")
    }

    private static func mark(_ variable: String) -> ConfigNode.Mark {
        ConfigNode.Mark(origin: "env \(variable)", line: nil, column: nil)
    }

    private static func scalar(_ value: String, _ variable: String) -> ConfigNode {
        .scalar(value, quoted: false, mark(variable))
    }

    // MARK: - Plain keys

    mutating func applyPlain(to root: inout ConfigNode, reader: inout NodeReader) {
        knownNames += Self.plainPaths.keys
        for (variable, value) in variables {
            guard let path = Self.plainPaths[variable] else { continue }
            used.insert(variable)
            set(&root, path[...], Self.scalar(value, variable), variable: variable, reader: &reader)
        }
    }

    private func set(_ node: inout ConfigNode, _ path: ArraySlice<String>, _ value: ConfigNode, variable: String, reader: inout NodeReader) {
        guard let key = path.first else { return }
        if case .null(let mark) = node { node = .mapping([], mark) }
        guard case .mapping = node else {
            reader.report(node, path.joined(separator: "."), "cannot apply \(variable): the file has \(node.kindDescription) here, not a mapping")
            return
        }
        if path.count == 1 {
            node.set(key, value, keyMark: Self.mark(variable))
        } else {
            var child = node[key] ?? .mapping([], Self.mark(variable))
            set(&child, path.dropFirst(), value, variable: variable, reader: &reader)
            node.set(key, child, keyMark: Self.mark(variable))
        }
    }

    // MARK: - Rules and channels

    mutating func applyLists(rules: inout [ConfigurationLoader.ListEntry], channels: inout [ConfigurationLoader.ListEntry], reader: inout NodeReader) {
        for entry in rules {
            guard let name = entry.name else { continue }
            knownNames += RuleDecoding.keys.map { "HEADROOM_RULES_" + (name + "_" + $0).uppercased() }
        }
        for (variable, value) in variables {
            if let ruleName = Self.shortcuts[variable] {
                used.insert(variable)
                applyThreshold(value, to: ruleName, variable: variable, rules: &rules, reader: &reader)
            } else if variable == "HEADROOM_CHANNELS" {
                used.insert(variable)
                enableChannels(value, channels: &channels, reader: &reader)
            } else if variable.hasPrefix("HEADROOM_RULES_") {
                used.insert(variable)
                applyItem(variable, value, prefix: "HEADROOM_RULES_", entries: &rules, keys: RuleDecoding.keys,
                          nested: ["within": ["samples", "of"], "trend": RuleDecoding.trendKeys], reader: &reader, isRule: true)
            } else if variable.hasPrefix("HEADROOM_CHANNELS_") {
                used.insert(variable)
                applyItem(variable, value, prefix: "HEADROOM_CHANNELS_", entries: &channels, keys: ChannelDecoding.allKeys, nested: [:], reader: &reader, isRule: false)
            }
        }
        knownNames += Self.shortcuts.keys
        knownNames += ["HEADROOM_CHANNELS", "HEADROOM_CONFIG"]
    }

    /// `HEADROOM_RULES_<index or name>_<key>`.
    private func applyItem(
        _ variable: String, _ value: String, prefix: String, entries: inout [ConfigurationLoader.ListEntry],
        keys: [String], nested: [String: [String]], reader: inout NodeReader, isRule: Bool
    ) {
        let rest = String(variable.dropFirst(prefix.count))
        var target: Int?
        var keyPart = ""
        // By index into the file's list.
        if let underscore = rest.firstIndex(of: "_"), let index = Int(rest[..<underscore]) {
            target = entries.firstIndex { $0.fileIndex == index }
            keyPart = String(rest[rest.index(after: underscore)...])
        } else {
            // By name (longest match, so `MEMORY_HIGH` does not swallow `MEMORY_HIGH_X`); channels also by type.
            var best: (Int, Int)?
            for (position, entry) in entries.enumerated() {
                var candidates: [String] = []
                if let name = entry.name { candidates.append(name) }
                if !isRule, case .scalar(let type, _, _)? = entry.node["type"] { candidates.append(type) }
                for candidate in candidates {
                    let token = candidate.uppercased().replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: ":", with: "_") + "_"
                    if rest.hasPrefix(token), token.count > (best?.1 ?? 0) { best = (position, token.count) }
                }
            }
            if let best {
                target = best.0
                keyPart = String(rest.dropFirst(best.1))
            }
        }
        guard let target else {
            let names = entries.compactMap(\.name)
            reader.issues.append(ConfigurationIssue(path: "", line: nil, column: nil, origin: "env \(variable)",
                message: "no \(isRule ? "rule" : "channel") matches; use an index into the file's list or one of the names: \(names.joined(separator: ", "))", suggestion: nil))
            return
        }
        let lowered = keyPart.lowercased()
        var path: [String]?
        if keys.contains(lowered) {
            path = [lowered]
        } else {
            for (parent, children) in nested where lowered.hasPrefix(parent + "_") {
                let child = String(lowered.dropFirst(parent.count + 1))
                if children.contains(child) { path = [parent, child] }
            }
        }
        guard let path else {
            reader.issues.append(ConfigurationIssue(path: entries[target].path, line: nil, column: nil, origin: "env \(variable)",
                message: "\"\(keyPart)\" is not a \(isRule ? "rule" : "channel") key", suggestion: Suggestions.didYouMean(lowered, keys)))
            return
        }
        if isRule, RuleDecoding.conditionKeys.contains(path[0]), entries[target].node[path[0]] == nil {
            let existing = RuleDecoding.conditionKeys.first { entries[target].node[$0] != nil } ?? "no condition"
            reader.issues.append(ConfigurationIssue(path: entries[target].path + "." + path[0], line: nil, column: nil, origin: "env \(variable)",
                message: "the rule has `\(existing)`, not `\(path[0])`; override `\(existing)` instead", suggestion: nil))
            return
        }
        set(&entries[target].node, path[...], Self.scalar(value, variable), variable: variable, reader: &reader)
    }

    /// Sets a rule's threshold, moving `clear` along when the new threshold passes it.
    private func applyThreshold(_ value: String, to ruleName: String, variable: String, rules: inout [ConfigurationLoader.ListEntry], reader: inout NodeReader) {
        guard let index = rules.firstIndex(where: { $0.name == ruleName }) else {
            reader.issues.append(ConfigurationIssue(path: "rules[\(ruleName)]", line: nil, column: nil, origin: "env \(variable)",
                message: "there is no rule named \(ruleName) (default_rules: false?)", suggestion: nil))
            return
        }
        guard let key = ["above", "at_least", "below", "at_most"].first(where: { rules[index].node[$0] != nil }) else {
            reader.issues.append(ConfigurationIssue(path: "rules[\(ruleName)]", line: nil, column: nil, origin: "env \(variable)",
                message: "rule \(ruleName) has no threshold condition to set", suggestion: nil))
            return
        }
        let node = rules[index].node
        if let newThreshold = Double(value.trimmingCharacters(in: .whitespaces)),
           case .scalar(let oldText, _, _)? = node[key], let oldThreshold = Double(oldText),
           case .scalar(let clearText, _, _)? = node["clear"], let clear = Double(clearText) {
            let upward = key == "above" || key == "at_least"
            let gap = oldThreshold - clear
            if upward ? clear > newThreshold : clear < newThreshold {
                rules[index].node.set("clear", Self.scalar(String(newThreshold - gap), variable), keyMark: Self.mark(variable))
            }
        }
        rules[index].node.set(key, Self.scalar(value, variable), keyMark: Self.mark(variable))
    }

    /// `HEADROOM_CHANNELS=console,jsonlog`.
    private func enableChannels(_ value: String, channels: inout [ConfigurationLoader.ListEntry], reader: inout NodeReader) {
        let wanted = value.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var matched: Set<String> = []
        for index in channels.indices {
            let name = channels[index].name
            var type: String?
            if case .scalar(let text, _, _)? = channels[index].node["type"] { type = text }
            let on = wanted.contains { $0 == name || $0 == type }
            for token in wanted where token == name || token == type { matched.insert(token) }
            channels[index].node.set("enabled", Self.scalar(on ? "true" : "false", "HEADROOM_CHANNELS"), keyMark: Self.mark("HEADROOM_CHANNELS"))
        }
        for token in wanted where !matched.contains(token) {
            if ChannelDecoding.types.contains(token) {
                let mark = Self.mark("HEADROOM_CHANNELS")
                channels.append(ConfigurationLoader.ListEntry(node: .mapping([("type", mark, .scalar(token, quoted: false, mark))], mark), path: "channels[\(token)]", fileIndex: nil))
            } else {
                reader.issues.append(ConfigurationIssue(path: "channels", line: nil, column: nil, origin: "env HEADROOM_CHANNELS",
                    message: "\"\(token)\" is neither a channel type (\(ChannelDecoding.types.joined(separator: ", "))) nor a channel name in the file",
                    suggestion: Suggestions.didYouMean(token, ChannelDecoding.types)))
            }
        }
    }

    // MARK: - Leftovers

    /// Warnings for HEADROOM_* variables that matched nothing.
    func unknownVariables() -> [ConfigurationIssue] {
        variables.filter { !used.contains($0.name) }.map { variable in
            ConfigurationIssue(path: "", line: nil, column: nil, origin: "env \(variable.name)",
                message: "unknown HEADROOM_ variable, ignored", suggestion: Suggestions.didYouMean(variable.name, knownNames))
        }
    }
}
