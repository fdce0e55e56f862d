import HeadroomConfigSyntax
import HeadroomCore

/// Applies `HEADROOM_*` environment variables on top of the file, before decoding, so that
/// their values are validated like file values and their problems name the variable.
///
/// | Variable | Sets | Example |
/// |---|---|---|
/// | `HEADROOM_INTERVAL` | `interval` | `2s` |
/// | `HEADROOM_HOSTNAME` | `hostname` | `gpu-01` |
/// | `HEADROOM_DEFAULT_RULES` | `default_rules` | `false` |
/// | `HEADROOM_COLLECTORS_ROOT` | `collectors.root` | `/host` |
/// | `HEADROOM_COLLECTORS_TIMEOUT` | `collectors.timeout` | `1s` |
/// | `HEADROOM_COLLECTORS_DISABLED` | `collectors.disabled` (comma list) | `load,pressure` |
/// | `HEADROOM_COLLECTORS_CGROUP_PATH` | `collectors.cgroup_path` | `/docker/abc` |
/// | `HEADROOM_COLLECTORS_NVML_LIBRARY` | `collectors.nvml_library` | `/usr/local/nvidia/lib64/libnvidia-ml.so.1` |
/// | `HEADROOM_ALERTING_REPEAT_INTERVAL` | `alerting.repeat_interval` | `1h` |
/// | `HEADROOM_ALERTING_INHIBIT` | `alerting.inhibit` | `false` |
/// | `HEADROOM_ALERTING_STALE_AFTER` | `alerting.stale_after` | `10m` |
/// | `HEADROOM_ALERTING_FLAPPING_WINDOW` | `alerting.flapping.window` | `5m` |
/// | `HEADROOM_ALERTING_FLAPPING_MAX_CHANGES` | `alerting.flapping.max_changes` | `4` |
/// | `HEADROOM_LOG_LEVEL` | `log.level` | `debug` |
/// | `HEADROOM_LOG_FORMAT` | `log.format` | `json` |
/// | `HEADROOM_SERVER_ENABLED` | `server.enabled` | `false` |
/// | `HEADROOM_SERVER_LISTEN` | `server.listen` | `0.0.0.0:19400` |
/// | `HEADROOM_SERVER_TOKEN` | `server.token` | `3f9c…` (at least 16 characters) |
/// | `HEADROOM_SERVER_TOKEN_FILE` | `server.token_file` | `/run/secrets/headroom-token` |
/// | `HEADROOM_SERVER_INSECURE` | `server.insecure` | `true` |
/// | `HEADROOM_SERVER_TLS_CERT_FILE`, `…_KEY_FILE`, `…_CLIENT_CA_FILE` | `server.tls.*` | `/etc/headroom/tls/tls.crt` |
/// | `HEADROOM_PUSH_URL`, `HEADROOM_PUSH_PROTOCOL`, `HEADROOM_PUSH_TOKEN`, … | the `push` keys | `http://127.0.0.1:8428` |
/// | `HEADROOM_HISTORY_ENABLED`, `HEADROOM_HISTORY_RETENTION`, `HEADROOM_HISTORY_ROLLUP_RETENTION`, `HEADROOM_HISTORY_MAX_BYTES`, `HEADROOM_HISTORY_FLUSH_INTERVAL`, `HEADROOM_HISTORY_PATH` | the `history` keys | `14d` |
/// | `HEADROOM_RULES_<N>_<KEY>` | a key of entry N (from 0) of the file's `rules:` list | `HEADROOM_RULES_0_FOR=30s` |
/// | `HEADROOM_RULES_<NAME>_<KEY>` | a key of the effective rule of that name, built-ins included; the longest matching name wins | `HEADROOM_RULES_CPU_OVERLOAD_ABOVE=85` |
/// | `HEADROOM_RULES_<…>_WITHIN_SAMPLES`, `…_WITHIN_OF` | `within.samples`, `within.of` | `HEADROOM_RULES_CPU_OVERLOAD_WITHIN_OF=5` |
/// | `HEADROOM_RULES_<…>_TREND_<KEY>` | a key of `trend` | `HEADROOM_RULES_MEMORY_LEAK_TREND_WINDOW=20m` |
/// | `HEADROOM_RULES_<…>_LABELS_<LABEL>` | `labels.<label>` (label in lower case) | `HEADROOM_RULES_GPU_MEMORY_HIGH_LABELS_GPU=0` |
/// | `HEADROOM_CHANNELS_<N>_<KEY>` | a key of channel N (from 0) of the channel list | `HEADROOM_CHANNELS_0_STREAM=stderr` |
/// | `HEADROOM_CHANNELS_<NAME>_<KEY>` | a key of the channel of that name (`console:2` is `CONSOLE_2`), or of that type when only one channel has it | `HEADROOM_CHANNELS_JSONLOG_PATH=/var/log/headroom/alerts.jsonl` |
/// | `HEADROOM_CHANNELS` | enables exactly the listed channel types or names; a listed file entry keeps its settings, a listed type with no entry is added with its defaults | `console,jsonlog` |
/// | `HEADROOM_GPU_MEMORY_WARN_PERCENT` | the threshold of `gpu_memory_high` | `70` |
/// | `HEADROOM_GPU_MEMORY_CRITICAL_PERCENT` | the threshold of `gpu_memory_critical` | `90` |
/// | `HEADROOM_CPU_WARN_PERCENT` | the threshold of `cpu_overload` | `75` |
/// | `HEADROOM_CONFIG` | not a key: the file to read (see `ConfigurationLoader.locate`) | `/srv/headroom.yaml` |
///
/// Rules:
/// - Values are YAML scalars: `95`, `true`, `10s`, `null`; surrounding spaces are trimmed and
///   a value in matching quotes is a string. An empty value counts as unset.
/// - Only the condition a rule already has can be set (`…_BELOW` on an `above` rule is a
///   problem). Setting a hold (`…_FOR`, `…_SAMPLES`, `…_WITHIN_*`) replaces the rule's hold.
/// - Setting a threshold (by shortcut or `…_ABOVE` etc.) that passes the rule's `clear`
///   moves `clear` along, keeping the gap (80/75 → 70/65), unless `…_CLEAR` is set too.
/// - Two variables setting the same key (or two different holds of one rule) is a problem.
/// - A `HEADROOM_RULES_…` or `HEADROOM_CHANNELS_…` variable that matches no entry or key
///   is a problem; any other unknown `HEADROOM_*` variable is a warning with a suggestion.
struct EnvironmentOverrides {
    static let prefix = "HEADROOM_"
    static let configVariable = "HEADROOM_CONFIG"
    static let channelsVariable = "HEADROOM_CHANNELS"
    static let rulesPrefix = "HEADROOM_RULES_"
    static let channelsPrefix = "HEADROOM_CHANNELS_"

    /// Threshold shortcuts: variable → rule name.
    static let shortcuts: [(variable: String, rule: String)] = [
        ("HEADROOM_GPU_MEMORY_WARN_PERCENT", "gpu_memory_high"),
        ("HEADROOM_GPU_MEMORY_CRITICAL_PERCENT", "gpu_memory_critical"),
        ("HEADROOM_CPU_WARN_PERCENT", "cpu_overload"),
    ]

    /// `HEADROOM_<PATH>` → key path, for every key outside the lists.
    static let settingVariables: [String: [String]] = Dictionary(
        uniqueKeysWithValues: SettingsDecoder.scalarPaths.map { (variable(for: $0), $0) })

    /// The variable of a key path: `["alerting", "repeat_interval"]` → `HEADROOM_ALERTING_REPEAT_INTERVAL`.
    static func variable(for path: [String]) -> String {
        prefix + path.map(token).joined(separator: "_")
    }

    /// A name as it appears in a variable: upper case, anything but letters and digits as `_`.
    static func token(_ name: String) -> String {
        String(
            name.uppercased().unicodeScalars.map { scalar -> Character in
                switch scalar {
                case "A"..."Z", "0"..."9": Character(scalar)
                default: "_"
                }
            })
    }

    /// The `HEADROOM_*` variables with a value, sorted by name.
    let variables: [(name: String, value: String)]
    /// Variables that matched something (valid or not).
    var handled: Set<String> = [configVariable]
    /// Which variable set each target (`rules:3:above`), to report two setting one key.
    var setters: [String: String] = [:]

    init(environment: [String: String]) {
        variables =
            environment
            .filter { $0.key.hasPrefix(Self.prefix) && !$0.value.trimmingWhitespace().isEmpty }
            .sorted { $0.key < $1.key }
            .map { (name: $0.key, value: $0.value) }
    }

    // MARK: - Settings

    /// `HEADROOM_<PATH>` for keys outside the lists, applied to the document.
    mutating func applySettings(to root: inout ConfigNode) {
        for (variable, value) in variables {
            guard let path = Self.settingVariables[variable] else { continue }
            handled.insert(variable)
            Self.set(ConfigNode.environmentValue(value, variable: variable), at: path[...], in: &root, variable: variable)
        }
    }

    /// Sets a value below `node`, creating mappings on the way. A non-mapping on the way is
    /// left alone: decoding reports it against the file.
    static func set(_ value: ConfigNode, at path: ArraySlice<String>, in node: inout ConfigNode, variable: String) {
        guard let key = path.first else { return }
        if case .null(let mark) = node { node = .mapping([], mark) }
        guard case .mapping = node else { return }
        let mark = ConfigNode.Mark.environment(variable)
        if path.count == 1 {
            node.set(key, value, keyMark: mark)
        } else {
            var child = node[key] ?? .mapping([], mark)
            set(value, at: path.dropFirst(), in: &child, variable: variable)
            node.set(key, child, keyMark: mark)
        }
    }

    // MARK: - Addressing list entries

    /// What `CPU_OVERLOAD_ABOVE` or `0_FOR` addresses in a list.
    enum Match {
        case entry(position: Int, key: String)
        case ambiguous([Int])
        case none
    }

    /// Finds the entry whose token (a name, an index, a type) is the longest prefix of `rest`
    /// followed by `_` and a key.
    static func match(_ rest: String, tokens: [[String]]) -> Match {
        var best: (length: Int, positions: Set<Int>) = (0, [])
        for (position, candidates) in tokens.enumerated() {
            for candidate in candidates where !candidate.isEmpty {
                let prefix = candidate + "_"
                guard rest.hasPrefix(prefix), rest.count > prefix.count else { continue }
                if prefix.count > best.length {
                    best = (prefix.count, [position])
                } else if prefix.count == best.length {
                    best.positions.insert(position)
                }
            }
        }
        switch best.positions.count {
        case 0: return .none
        case 1: return .entry(position: best.positions.first!, key: String(rest.dropFirst(best.length)))
        default: return .ambiguous(best.positions.sorted())
        }
    }

    /// Records that `variable` sets `target`; false (and a problem) when another already did.
    mutating func claim(_ target: String, by variable: String, path: String, reader: inout NodeReader) -> Bool {
        if let other = setters[target], other != variable {
            reader.add(
                ConfigurationIssue(
                    path: path, origin: "env \(variable)",
                    message: "\(other) sets the same key; set only one of them"))
            return false
        }
        setters[target] = variable
        return true
    }

    static func issue(_ variable: String, _ path: String, _ message: String, suggestion: String? = nil) -> ConfigurationIssue {
        ConfigurationIssue(path: path, origin: "env \(variable)", message: message, suggestion: suggestion)
    }

    // MARK: - Unknown variables

    /// Warnings for `HEADROOM_*` variables that matched nothing, with the closest known
    /// variable (rule and channel variables included).
    func unknownVariableWarnings(rules: [ListEntry], channels: [ListEntry]) -> [ConfigurationIssue] {
        let unknown = variables.filter { !handled.contains($0.name) }
        guard !unknown.isEmpty else { return [] }
        var known = Array(Self.settingVariables.keys).sorted() + Self.shortcuts.map(\.variable) + [Self.channelsVariable, Self.configVariable]
        for name in rules.compactMap(\.name) {
            known += Self.ruleKeyPaths.keys.sorted().map { Self.rulesPrefix + Self.token(name) + "_" + Self.token($0) }
        }
        for name in ChannelDecoder.names(of: channels).compactMap({ $0 }) {
            known += ChannelDecoder.allKeys.map { Self.channelsPrefix + Self.token(name) + "_" + Self.token($0) }
        }
        return unknown.map { variable in
            Self.issue(
                variable.name, "", "unknown variable, ignored",
                suggestion: Suggestions.didYouMean(variable.name, known))
        }
    }
}
