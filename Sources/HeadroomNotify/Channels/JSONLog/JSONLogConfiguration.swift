/// Settings of a `type: jsonlog` channel.
public struct JSONLogConfiguration: Sendable, Hashable {
    /// YAML `path:`; nil or `-` writes to standard output. The file is created
    /// (with its directory) if missing and appended to; reopened when rotated away.
    public var path: String?

    public init(path: String? = nil) {
        self.path = path
    }
}
