/// One problem in a configuration, located precisely enough to fix it.
///
/// `description` reads like a compiler diagnostic:
/// `headroom.yaml:12:5: rules[0].sevrity: unknown key; did you mean "severity"?`
public struct ConfigurationIssue: Error, Sendable, Hashable, CustomStringConvertible {
    /// Key path of the offending value: `rules[2].for` (an entry of the file's list, by
    /// index), `rules[cpu_overload].above` (a built-in rule, by name), `channels[0].type`;
    /// empty when the problem concerns the whole document.
    public var path: String
    /// 1-based line in the file; nil for environment variables and built-in values.
    public var line: Int?
    /// 1-based column in the file; nil for environment variables and built-in values.
    public var column: Int?
    /// Where the value came from: the file name (`headroom.yaml`), `embedded default`,
    /// `built-in rules`, or `env HEADROOM_INTERVAL`.
    public var origin: String
    /// What was wrong and what was expected: `expected a duration such as "10s" or "5m", got "ten"`.
    public var message: String
    /// A likely fix, if one is known: `did you mean "severity"?`.
    public var suggestion: String?

    /// An issue; `line` and `column` are 1-based.
    public init(path: String, line: Int? = nil, column: Int? = nil, origin: String, message: String, suggestion: String? = nil) {
        self.path = path
        self.line = line
        self.column = column
        self.origin = origin
        self.message = message
        self.suggestion = suggestion
    }

    /// `origin[:line[:column]]: [path: ]message[; suggestion]`.
    public var description: String {
        var text = origin
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        text += ": "
        if !path.isEmpty { text += path + ": " }
        text += message
        if let suggestion { text += "; " + suggestion }
        return text
    }
}
