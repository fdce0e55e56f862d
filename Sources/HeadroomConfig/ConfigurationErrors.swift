public import HeadroomConfigSyntax

/// Every problem that stopped a configuration from loading, reported together.
public struct ConfigurationErrors: Error, Sendable, Hashable, CustomStringConvertible {
    /// The problems in file order (by line and column), then those of built-in values, then
    /// those of environment variables.
    public var issues: [ConfigurationIssue]

    /// The errors of a configuration that did not load.
    public init(issues: [ConfigurationIssue]) {
        self.issues = issues
    }

    /// One issue per line.
    public var description: String {
        issues.map(\.description).joined(separator: "\n")
    }
}
