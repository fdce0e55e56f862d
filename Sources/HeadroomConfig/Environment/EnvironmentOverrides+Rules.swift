import HeadroomConfigSyntax
import HeadroomCore

extension EnvironmentOverrides {
    /// The rule keys a variable can set, by their `_`-joined lower-case path:
    /// `above`, `keep_firing_for`, `within_samples`, `trend_capacity_metric`. (`labels_<label>`
    /// is handled separately: label names are open-ended.)
    static let ruleKeyPaths: [String: [String]] = {
        var paths: [String: [String]] = [:]
        for key in RuleDecoder.keys where !["labels", "within", "trend"].contains(key) { paths[key] = [key] }
        for key in RuleDecoder.withinKeys { paths["within_" + key] = ["within", key] }
        for key in RuleDecoder.trendKeys { paths["trend_" + key] = ["trend", key] }
        return paths
    }()

    /// The key path a lower-case key text addresses: `trend_window` → `trend.window`, `labels_gpu` → `labels.gpu`.
    static func ruleKeyPath(_ key: String) -> [String]? {
        if let path = ruleKeyPaths[key] { return path }
        if key.hasPrefix("labels_"), key.count > "labels_".count { return ["labels", String(key.dropFirst("labels_".count))] }
        return nil
    }

    /// A threshold set from the environment, to keep `clear` on the non-breaching side.
    private struct ThresholdMove {
        var position: Int
        var key: String
        var previous: String?
        var variable: String
    }

    /// The shortcuts, then `HEADROOM_RULES_<N or NAME>_<KEY>`, then `clear` adjustments.
    mutating func applyRules(to rules: inout [ListEntry], useDefaults: Bool, reader: inout NodeReader) {
        var moves: [ThresholdMove] = []
        var clearSet: Set<Int> = []
        var holdSetters: [Int: (key: String, variable: String)] = [:]

        func apply(_ variable: String, _ value: String, position: Int, path: [String], stem: String, rules: inout [ListEntry], reader: inout NodeReader) {
            let entry = rules[position]
            let head = path[0]
            let display = "\(entry.path).\(path.joined(separator: "."))"
            if RuleDecoder.conditionKeys.contains(head) {
                let current = RuleDecoder.conditionKeys.filter { entry.node[$0].map { !$0.isNull } ?? false }
                guard current.contains(head) else {
                    let message =
                        current.first.map { "the rule has `\($0)`, not `\(head)`; set \(stem)\(Self.token($0)) instead, or change the condition in the file" }
                        ?? "the rule has no condition to set"
                    reader.add(Self.issue(variable, display, message))
                    return
                }
            }
            if RuleDecoder.holdKeys.contains(head) {
                if let other = holdSetters[position], other.key != head {
                    reader.add(
                        Self.issue(variable, display, "\(other.variable) sets the rule's hold to `\(other.key)`; a rule has one hold, set only one of them"))
                    return
                }
                holdSetters[position] = (head, variable)
            }
            guard claim("rules:\(position):\(path.joined(separator: "."))", by: variable, path: display, reader: &reader) else { return }
            if RuleDecoder.holdKeys.contains(head) {
                for other in RuleDecoder.holdKeys where other != head { rules[position].node.remove(other) }
            }
            if RuleDecoder.thresholdKeys.contains(head) {
                moves.append(ThresholdMove(position: position, key: head, previous: entry.node[head]?.scalarText, variable: variable))
            }
            if head == "clear" { clearSet.insert(position) }
            Self.set(ConfigNode.environmentValue(value, variable: variable), at: path[...], in: &rules[position].node, variable: variable)
        }

        // Shortcuts first, so that a `HEADROOM_RULES_…` variable for the same key is the one reported.
        for (variable, ruleName) in Self.shortcuts {
            guard let value = variables.first(where: { $0.name == variable })?.value else { continue }
            handled.insert(variable)
            guard let position = rules.firstIndex(where: { $0.name == ruleName }) else {
                let reason = useDefaults ? "there is no such rule" : "default_rules is false, so it is not loaded"
                reader.add(Self.issue(variable, "rules", "sets the threshold of rule \(ruleName), but \(reason)"))
                continue
            }
            guard let key = RuleDecoder.thresholdKeys.first(where: { rules[position].node[$0].map { !$0.isNull } ?? false }) else {
                reader.add(Self.issue(variable, rules[position].path, "rule \(ruleName) has no threshold (above, at_least, below or at_most) to set"))
                continue
            }
            apply(variable, value, position: position, path: [key], stem: Self.rulesPrefix + Self.token(ruleName) + "_", rules: &rules, reader: &reader)
        }

        for (variable, value) in variables where variable.hasPrefix(Self.rulesPrefix) {
            handled.insert(variable)
            let rest = String(variable.dropFirst(Self.rulesPrefix.count))
            let tokens = rules.map { entry in [entry.name.map(Self.token), entry.fileIndex.map { String($0) }].compactMap { $0 } }
            switch Self.match(rest, tokens: tokens) {
            case .none:
                let names = rules.compactMap(\.name)
                let known = names.flatMap { name in
                    ["ABOVE", "AT_LEAST", "BELOW", "AT_MOST", "FOR", "SEVERITY", "ENABLED"].map { Self.rulesPrefix + Self.token(name) + "_" + $0 }
                }
                reader.add(
                    Self.issue(
                        variable, "rules",
                        "matches no rule: write HEADROOM_RULES_<NAME>_<KEY> with one of the rule names (\(names.joined(separator: ", "))) "
                            + "or HEADROOM_RULES_<N>_<KEY> with the index of an entry of the file's rules: list",
                        suggestion: Suggestions.didYouMean(variable, known)))
            case .ambiguous(let positions):
                let paths = positions.map { rules[$0].path }.joined(separator: ", ")
                reader.add(Self.issue(variable, "rules", "matches several rules (\(paths)); give them names that differ in more than punctuation or case"))
            case .entry(let position, let keyText):
                guard let path = Self.ruleKeyPath(keyText.lowercased()) else {
                    let entryToken = String(rest.dropLast(keyText.count))
                    let known = Self.ruleKeyPaths.keys.sorted().map { Self.rulesPrefix + entryToken + Self.token($0) }
                    reader.add(
                        Self.issue(
                            variable, rules[position].path,
                            "\(keyText) is not a rule key (or is a mapping: set one of its keys, such as TREND_WINDOW or WITHIN_SAMPLES)",
                            suggestion: Suggestions.didYouMean(variable, known)))
                    continue
                }
                apply(variable, value, position: position, path: path, stem: String(variable.dropLast(keyText.count)), rules: &rules, reader: &reader)
            }
        }

        for move in moves where !clearSet.contains(move.position) {
            keepClearOnNonBreachingSide(move, in: &rules[move.position])
        }
    }

    /// Moves `clear` by as much as the threshold moved when the new threshold passed it,
    /// keeping the gap: `at_least: 80, clear: 75` with the threshold set to 70 gets `clear: 65`.
    /// Leaves it alone when the values are not numbers or `clear` was already on the wrong
    /// side (decoding then reports it against where it was written).
    private func keepClearOnNonBreachingSide(_ move: ThresholdMove, in entry: inout ListEntry) {
        guard let previous = move.previous.flatMap({ Double($0.trimmingWhitespace()) }),
            let threshold = entry.node[move.key]?.scalarText.flatMap({ Double($0.trimmingWhitespace()) }),
            let clear = entry.node["clear"]?.scalarText.flatMap({ Double($0.trimmingWhitespace()) })
        else { return }
        let upward = move.key == "above" || move.key == "at_least"
        let wasValid = upward ? clear <= previous : clear >= previous
        let nowPassed = upward ? clear > threshold : clear < threshold
        guard wasValid, nowPassed else { return }
        let moved = threshold - (previous - clear)
        let mark = ConfigNode.Mark.environment(move.variable)
        entry.node.set("clear", .scalar(YAMLText.number(moved), quoted: false, mark), keyMark: mark)
    }
}
