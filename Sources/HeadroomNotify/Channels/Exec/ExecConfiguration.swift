/// Settings of a `type: exec` channel: a program run on every notification.
public struct ExecConfiguration: Sendable, Hashable {
    /// YAML `command:` as a list: the program (absolute path) and its arguments, run
    /// directly, never through a shell.
    public var command: [String]
    /// YAML `timeout:`, default 10 s; then SIGTERM, and SIGKILL a second later.
    public var timeout: Duration

    public init(command: [String], timeout: Duration = .seconds(10)) {
        self.command = command
        self.timeout = timeout
    }
}
