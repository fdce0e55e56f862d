package import HeadroomConfigSyntax

extension ExecConfiguration: ChannelYAML {
    package static let type = "exec"
    package static let keys = ["command", "timeout"]

    package var settings: ChannelSettings { .exec(self) }

    /// `command:` a list whose first item is an absolute path; `timeout:`.
    package init?(decoding fields: Fields, reader: inout NodeReader) {
        guard let node = fields["command"], let parts = reader.names(node, fields.path("command")), let program = parts.first?.name else {
            reader.report(fields.node, fields.path("command"), "an exec channel needs a command: a list such as [/usr/local/bin/page, --team, gpu]")
            return nil
        }
        if !program.hasPrefix("/") {
            reader.report(node, fields.path("command"), "the program must be an absolute path (it is run directly, not through a shell): \(program)")
        }
        self.init(command: parts.map(\.name))
        if let timeout = reader.duration(fields, "timeout", minimum: .milliseconds(100)) { self.timeout = timeout }
    }

    package func render(into out: inout YAMLLines) {
        out.append("    command: [\(command.map(YAMLText.string).joined(separator: ", "))]")
        out.append("    timeout: \(YAMLText.duration(timeout))")
    }
}
