/// One problem in a configuration, located precisely enough to fix it.
public struct ConfigurationIssue: Error, Sendable, Hashable, CustomStringConvertible {
    /// Key path: `rules[2].for`, `rules[cpu_overload].above`, `channels[0].type`; empty for the whole file.
    public var path: String
    /// 1-based line and column in the file; nil for environment variables.
    public var line: Int?
    public var column: Int?
    /// Where the value came from: the file name, `env HEADROOM_INTERVAL`, `built-in rules`.
    public var origin: String
    /// What was wrong and what was expected.
    public var message: String
    /// A likely fix ("did you mean `severity`?"), if one is known.
    public var suggestion: String?

    public init(path: String, line: Int?, column: Int?, origin: String, message: String, suggestion: String?) {
        self.path = path
        self.line = line
        self.column = column
        self.origin = origin
        self.message = message
        self.suggestion = suggestion
    }

    /// `headroom.yaml:12:5: rules[0].sevrity: unknown key; did you mean "severity"?`
    public var description: String {
        var location = origin
        if let line { location += ":\(line)" + (column.map { ":\($0)" } ?? "") }
        var text = location + ": "
        if !path.isEmpty { text += path + ": " }
        text += message
        if let suggestion { text += "; " + suggestion }
        return text
    }
}

/// Every problem found in a configuration, reported together.
public struct ConfigurationErrors: Error, Sendable, CustomStringConvertible {
    public var issues: [ConfigurationIssue]

    public init(issues: [ConfigurationIssue]) { self.issues = issues }

    /// One issue per line, in file order.
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
