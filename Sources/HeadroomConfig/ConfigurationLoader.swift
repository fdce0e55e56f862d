import HeadroomConfigSyntax

/// YAML text and an environment dictionary → a validated configuration, or every problem at once.
///
/// The loader does no I/O: the executable reads the file and the process environment and
/// passes both in. Steps: compose the YAML (keeping lines and columns) → apply
/// `HEADROOM_<PATH>` variables to the document → merge the built-in rules with the file's
/// by name → apply the list variables (`HEADROOM_RULES_…`, `HEADROOM_CHANNELS…`, the
/// threshold shortcuts) → decode everything, collecting problems. See `EnvironmentOverrides`
/// for the variables.
public enum ConfigurationLoader {
    /// The file read when neither `--config` nor `$HEADROOM_CONFIG` names one.
    public static let systemPath = "/etc/headroom/headroom.yaml"

    /// The configuration file to read: `explicitPath` (`--config PATH`), else
    /// `$HEADROOM_CONFIG`, else `/etc/headroom/headroom.yaml` if `fileExists` says it does,
    /// else nil for the embedded default. Empty values count as unset.
    public static func locate(explicitPath: String?, environment: [String: String], fileExists: (String) -> Bool) -> String? {
        if let explicitPath, !explicitPath.isEmpty { return explicitPath }
        if let named = environment[EnvironmentOverrides.configVariable], !named.isEmpty { return named }
        return fileExists(systemPath) ? systemPath : nil
    }

    /// Loads `yaml` (nil: the embedded `DefaultConfiguration.yaml`) with `environment`
    /// applied on top. `source` names the file in problems (`headroom.yaml:12:5: …`).
    public static func load(yaml: String?, source: String, environment: [String: String]) -> Result<LoadedConfiguration, ConfigurationErrors> {
        let origin = yaml == nil ? "embedded default" : source
        var root: ConfigNode
        switch YAMLParser.parse(yaml ?? DefaultConfiguration.yaml, origin: origin) {
        case .success(let node): root = node
        case .failure(let issue): return .failure(ConfigurationErrors(issues: [issue]))
        }
        var reader = NodeReader()
        if case .null(let mark) = root { root = .mapping([], mark) }
        guard case .mapping = root else {
            reader.report(root, "", "expected a mapping of keys such as `interval:` and `rules:`, got \(root.kindDescription)")
            return .failure(ConfigurationErrors(issues: reader.issues))
        }

        var overrides = EnvironmentOverrides(environment: environment)
        overrides.applySettings(to: &root)

        var configuration = HeadroomConfiguration()
        guard let fields = reader.fields(root, "", allowed: SettingsDecoder.rootKeys, expected: "a mapping") else {
            return .failure(ConfigurationErrors(issues: reader.issues))
        }
        SettingsDecoder.decode(fields, into: &configuration, reader: &reader)
        let useDefaults = SettingsDecoder.useDefaultRules(fields, reader: &reader)

        var rules = RuleList.merge(useDefaults: useDefaults, file: fields["rules"], reader: &reader)
        var channels = ChannelDecoder.entries(file: fields["channels"], reader: &reader)
        overrides.applyRules(to: &rules, useDefaults: useDefaults, reader: &reader)
        overrides.applyChannels(to: &channels, reader: &reader)

        configuration.rules = RuleList.decode(rules, reader: &reader)
        configuration.channels = ChannelDecoder.decode(channels, reader: &reader)
        for warning in overrides.unknownVariableWarnings(rules: rules, channels: channels) {
            reader.addWarning(warning)
        }

        guard reader.issues.isEmpty else {
            return .failure(ConfigurationErrors(issues: inReadingOrder(reader.issues, origin: origin)))
        }
        return .success(LoadedConfiguration(configuration: configuration, warnings: inReadingOrder(reader.warnings, origin: origin)))
    }

    /// The file's problems by line and column, then those without a line (built-in values,
    /// defaults), then the environment's by variable; ties keep the order found.
    private static func inReadingOrder(_ issues: [ConfigurationIssue], origin: String) -> [ConfigurationIssue] {
        func rank(_ issue: ConfigurationIssue) -> Int {
            if issue.origin == origin { return 0 }
            return issue.origin.hasPrefix("env ") ? 2 : 1
        }
        return issues.enumerated().sorted { left, right in
            let (l, r) = (left.element, right.element)
            if rank(l) != rank(r) { return rank(l) < rank(r) }
            if rank(l) == 2, l.origin != r.origin { return l.origin < r.origin }
            let lPosition = (l.line ?? .max, l.column ?? .max)
            let rPosition = (r.line ?? .max, r.column ?? .max)
            if lPosition != rPosition { return lPosition < rPosition }
            return left.offset < right.offset
        }.map(\.element)
    }
}
