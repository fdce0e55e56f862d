import HeadroomCollectors
import HeadroomConfig
import HeadroomConfigSyntax
import HeadroomCore
import HeadroomNotify
import Testing

/// Loads `yaml` as `headroom.yaml` with `environment`; records the issues and throws when
/// it does not load.
func load(_ yaml: String?, environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) throws -> LoadedConfiguration {
    switch ConfigurationLoader.load(yaml: yaml, source: "headroom.yaml", environment: environment) {
    case .success(let loaded):
        return loaded
    case .failure(let errors):
        Issue.record("unexpected issues:\n\(errors)", sourceLocation: sourceLocation)
        throw errors
    }
}

/// The configuration of `yaml`, which must load.
func configuration(_ yaml: String?, environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) throws -> HeadroomConfiguration {
    try load(yaml, environment: environment, sourceLocation: sourceLocation).configuration
}

/// The issues of a configuration that must not load.
func issues(_ yaml: String?, environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) -> [ConfigurationIssue] {
    switch ConfigurationLoader.load(yaml: yaml, source: "headroom.yaml", environment: environment) {
    case .success:
        Issue.record("expected the configuration to be rejected", sourceLocation: sourceLocation)
        return []
    case .failure(let errors):
        return errors.issues
    }
}

/// The one issue at `path`, recording a failure when there is not exactly one.
func issue(at path: String, in found: [ConfigurationIssue], sourceLocation: SourceLocation = #_sourceLocation) -> ConfigurationIssue? {
    let matching = found.filter { $0.path == path }
    if matching.count != 1 {
        Issue.record("expected one issue at \(path), found \(matching.count) in:\n\(ConfigurationErrors(issues: found))", sourceLocation: sourceLocation)
    }
    return matching.first
}

extension HeadroomConfiguration {
    /// The effective rule named `name`.
    func rule(_ name: String) -> AlertRule? {
        rules.first { $0.name == name }
    }
}
