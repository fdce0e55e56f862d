public import HeadroomConfigSyntax

/// A configuration that loaded, with the problems that did not stop it.
public struct LoadedConfiguration: Sendable {
    /// The validated configuration.
    public var configuration: HeadroomConfiguration
    /// Worth showing, not fatal: unknown `HEADROOM_*` variables, unknown `{placeholders}` in a
    /// `summary`, rule names that cannot be addressed from the environment, `enabled: false`
    /// on a name that is not a built-in rule.
    public var warnings: [ConfigurationIssue]

    /// A loaded configuration and its warnings.
    public init(configuration: HeadroomConfiguration, warnings: [ConfigurationIssue] = []) {
        self.configuration = configuration
        self.warnings = warnings
    }
}
