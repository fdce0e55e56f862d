import HeadroomCollectors
import HeadroomCore
import HeadroomNotify
import Yams

/// YAML text + environment dictionary → validated configuration, or every problem at once.
///
/// Pure: it never reads a file or the process environment; the executable passes both in.
/// Steps: parse (keeping lines) → environment overrides of plain keys → merge the built-in
/// rules by name → environment overrides of rules and channels (by index or name) and the
/// shortcuts → decode and validate everything, collecting all issues.
public enum ConfigurationLoader {
    static let rootKeys = ["interval", "hostname", "collectors", "alerting", "default_rules", "rules", "channels", "log"]
    static let collectorKeys = ["root", "timeout", "disabled", "cgroup_path"]
    static let alertingKeys = ["repeat_interval", "inhibit", "stale_after", "flapping"]
    static let flappingKeys = ["window", "max_changes"]
    static let logKeys = ["level", "format"]

    /// Where the configuration comes from: `--config PATH`, then `$HEADROOM_CONFIG`, then
    /// `/etc/headroom/headroom.yaml` if it exists; nil means the embedded default.
    public static func locate(explicitPath: String?, environment: [String: String], fileExists: (String) -> Bool) -> String? {
        if let explicitPath, !explicitPath.isEmpty { return explicitPath }
        if let fromEnvironment = environment["HEADROOM_CONFIG"], !fromEnvironment.isEmpty { return fromEnvironment }
        let system = "/etc/headroom/headroom.yaml"
        return fileExists(system) ? system : nil
    }

    /// Loads `yaml` (nil: the embedded default) with `environment` applied on top.
    public static func load(yaml: String?, source: String, environment: [String: String]) -> Result<LoadedConfiguration, ConfigurationErrors> {
        var reader = NodeReader()
        var warnings: [ConfigurationIssue] = []

        // 1. Parse.
        let text = yaml ?? DefaultConfiguration.yaml
        let origin = yaml == nil ? "embedded default" : source
        var root: ConfigNode
        switch parse(text, origin: origin) {
        case .success(let node): root = node
        case .failure(let issue): return .failure(ConfigurationErrors(issues: [issue]))
        }
        if case .null(let mark) = root { root = .mapping([], mark) }
        guard case .mapping = root else {
            reader.report(root, "", "the configuration must be a mapping of keys such as `interval:` and `rules:`, got \(root.kindDescription)")
            return .failure(ConfigurationErrors(issues: reader.issues))
        }

        // 2. Environment overrides of plain keys.
        var overrides = EnvironmentOverrides(environment: environment)
        overrides.applyPlain(to: &root, reader: &reader)

        // 3. Rules: built-ins merged with the file's by name.
        let useDefaults = reader.bool(root["default_rules"], "default_rules") ?? true
        var rules = builtinEntries(includeDefaults: useDefaults)
        if let node = root["rules"] {
            switch node {
            case .sequence(let items, _):
                for (index, item) in items.enumerated() {
                    let entry = ListEntry(node: item, path: "rules[\(index)]", fileIndex: index)
                    // Only a built-in is replaced by name; a second file rule of the same name is a duplicate.
                    if case .scalar(let name, _, _)? = item["name"], let existing = rules.firstIndex(where: { $0.name == name && $0.fileIndex == nil }) {
                        rules[existing] = entry
                    } else {
                        rules.append(entry)
                    }
                }
            case .null: break
            default: reader.report(node, "rules", "expected a list of rules, got \(node.kindDescription)")
            }
        }

        // 4. Channels: the file's, or one console channel.
        var channels: [ListEntry] = []
        if let node = root["channels"] {
            switch node {
            case .sequence(let items, _):
                channels = items.enumerated().map { ListEntry(node: $0.element, path: "channels[\($0.offset)]", fileIndex: $0.offset) }
            case .null: break
            default: reader.report(node, "channels", "expected a list of channels, got \(node.kindDescription)")
            }
        } else {
            channels = [ListEntry(node: .mapping([("type", builtinMark, .scalar("console", quoted: false, builtinMark))], builtinMark), path: "channels[console]", fileIndex: nil)]
        }

        // 5. Environment overrides of rules, channels, and the shortcuts.
        overrides.applyLists(rules: &rules, channels: &channels, reader: &reader)
        warnings += overrides.unknownVariables()

        // 6. Decode and validate.
        var configuration = HeadroomConfiguration()
        decodeRoot(root, into: &configuration, reader: &reader)
        var seenRules: [String: String] = [:]
        for entry in rules {
            let (rule, enabled) = RuleDecoding.decode(entry.node, path: entry.path, reader: &reader)
            guard let rule else { continue }
            if let first = seenRules[rule.name] {
                reader.report(entry.node["name"], entry.path + ".name", "rule name \"\(rule.name)\" is already used by \(first); names must be unique")
                continue
            }
            seenRules[rule.name] = entry.path
            if enabled { configuration.rules.append(rule) }
        }
        configuration.channels = ChannelDecoding.decode(channels, reader: &reader)

        if !reader.issues.isEmpty {
            return .failure(ConfigurationErrors(issues: sorted(reader.issues)))
        }
        return .success(LoadedConfiguration(configuration: configuration, warnings: warnings))
    }

    // MARK: - Parsing

    static let builtinMark = ConfigNode.Mark(origin: BuiltinRules.origin, line: nil, column: nil)

    static func parse(_ text: String, origin: String) -> Result<ConfigNode, ConfigurationIssue> {
        do {
            // The basic resolver: Headroom types scalars itself, and the default resolver's regular
            // expressions would load ICU into the daemon (about 4 MiB of resident memory).
            guard let node = try Yams.compose(yaml: text, .basic) else { return .success(.null(ConfigNode.Mark(origin: origin, line: 1, column: 1))) }
            return .success(ConfigNode.from(node, origin: origin))
        } catch let error as YamlError {
            return .failure(yamlIssue(error, origin: origin))
        } catch {
            return .failure(ConfigurationIssue(path: "", line: nil, column: nil, origin: origin, message: "not valid YAML: \(error)", suggestion: nil))
        }
    }

    private static func yamlIssue(_ error: YamlError, origin: String) -> ConfigurationIssue {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _), .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            return ConfigurationIssue(path: "", line: mark.line, column: mark.column, origin: origin, message: "not valid YAML: \(detail)", suggestion: nil)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigurationIssue(path: "", line: context.mark.line, column: context.mark.column, origin: origin,
                                      message: "key \(duplicates.map { "\"\($0)\"" }.joined(separator: ", ")) appears twice in one mapping", suggestion: nil)
        default:
            return ConfigurationIssue(path: "", line: nil, column: nil, origin: origin, message: "not valid YAML: \(error)", suggestion: nil)
        }
    }

    /// File order: by origin (file first), then line and column.
    private static func sorted(_ issues: [ConfigurationIssue]) -> [ConfigurationIssue] {
        issues.enumerated().sorted { left, right in
            let l = left.element, r = right.element
            let lEnv = l.origin.hasPrefix("env "), rEnv = r.origin.hasPrefix("env ")
            if lEnv != rEnv { return !lEnv }
            if (l.line ?? .max, l.column ?? .max) != (r.line ?? .max, r.column ?? .max) {
                return (l.line ?? .max, l.column ?? .max) < (r.line ?? .max, r.column ?? .max)
            }
            return left.offset < right.offset
        }.map(\.element)
    }

    // MARK: - Rules

    /// One item of `rules:` or `channels:` with its display path.
    struct ListEntry {
        var node: ConfigNode
        var path: String
        /// Position in the file's list (nil for built-ins and additions from the environment).
        var fileIndex: Int?

        var name: String? {
            if case .scalar(let name, _, _)? = node["name"] { return name }
            return nil
        }
    }

    private static func builtinEntries(includeDefaults: Bool) -> [ListEntry] {
        var out: [ListEntry] = []
        for text in includeDefaults ? [BuiltinRules.defaults, BuiltinRules.alwaysOn] : [BuiltinRules.alwaysOn] {
            guard case .success(.sequence(let items, _)) = parse(text, origin: BuiltinRules.origin) else { continue }
            for item in items {
                var entry = ListEntry(node: stripMarks(item), path: "", fileIndex: nil)
                entry.path = "rules[\(entry.name ?? "?")]"
                out.append(entry)
            }
        }
        return out
    }

    /// Built-in nodes report as "built-in rules" with no line.
    private static func stripMarks(_ node: ConfigNode) -> ConfigNode {
        switch node {
        case .scalar(let text, let quoted, _): return .scalar(text, quoted: quoted, builtinMark)
        case .mapping(let pairs, _): return .mapping(pairs.map { ($0.key, builtinMark, stripMarks($0.value)) }, builtinMark)
        case .sequence(let items, _): return .sequence(items.map(stripMarks), builtinMark)
        case .null: return .null(builtinMark)
        }
    }

    // MARK: - Root

    private static func decodeRoot(_ root: ConfigNode, into configuration: inout HeadroomConfiguration, reader: inout NodeReader) {
        guard let fields = reader.mapping(root, "", allowed: rootKeys) else { return }
        if let interval = reader.duration(fields["interval"], "interval", minimum: .milliseconds(100)) { configuration.interval = interval }
        configuration.hostname = reader.string(fields["hostname"], "hostname")

        if let collectors = reader.mapping(fields["collectors"], "collectors", allowed: collectorKeys) {
            var settings = CollectorSettings()
            if let root = reader.string(collectors["root"], "collectors.root") {
                if root.hasPrefix("/") { settings.root = root } else { reader.report(collectors["root"], "collectors.root", "must be an absolute path such as / or /host, got \"\(root)\"") }
            }
            if let timeout = reader.duration(collectors["timeout"], "collectors.timeout", minimum: .milliseconds(10)) { settings.timeout = timeout }
            if let disabled = reader.stringList(collectors["disabled"], "collectors.disabled") {
                for name in disabled where !CollectorSettings.names.contains(name) {
                    reader.report(collectors["disabled"], "collectors.disabled", "\"\(name)\" is not a collector; known: \(CollectorSettings.names.joined(separator: ", "))",
                                  suggestion: Suggestions.didYouMean(name, CollectorSettings.names))
                }
                settings.disabled = Set(disabled.filter { CollectorSettings.names.contains($0) })
            }
            if let path = reader.string(collectors["cgroup_path"], "collectors.cgroup_path") {
                if path.hasPrefix("/") { settings.cgroupPath = path } else { reader.report(collectors["cgroup_path"], "collectors.cgroup_path", "must start with /, e.g. /docker/abc") }
            }
            configuration.collectors = settings
        }

        if let alerting = reader.mapping(fields["alerting"], "alerting", allowed: alertingKeys) {
            var policy = AlertPolicy()
            if let repeatInterval = reader.duration(alerting["repeat_interval"], "alerting.repeat_interval") { policy.repeatInterval = repeatInterval }
            if let inhibit = reader.bool(alerting["inhibit"], "alerting.inhibit") { policy.inhibit = inhibit }
            if let stale = reader.duration(alerting["stale_after"], "alerting.stale_after", minimum: .seconds(1)) { policy.staleAfter = stale }
            if let flapping = reader.mapping(alerting["flapping"], "alerting.flapping", allowed: flappingKeys) {
                if let window = reader.duration(flapping["window"], "alerting.flapping.window", minimum: .seconds(1)) { policy.flapWindow = window }
                if let changes = reader.integer(flapping["max_changes"], "alerting.flapping.max_changes", range: 0...10_000) { policy.flapMaxChanges = changes }
            }
            configuration.policy = policy
        }

        if let log = reader.mapping(fields["log"], "log", allowed: logKeys) {
            if let level = reader.choice(log["level"], "log.level", LogSettings.Level.self) { configuration.log.level = level }
            if let format = reader.choice(log["format"], "log.format", LogSettings.Format.self) { configuration.log.format = format }
        }
    }
}
