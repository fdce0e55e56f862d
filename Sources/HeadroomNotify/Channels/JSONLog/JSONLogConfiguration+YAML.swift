package import HeadroomConfigSyntax
import HeadroomCore

extension JSONLogConfiguration: ChannelYAML {
    package static let type = "jsonlog"
    package static let keys = ["path"]

    package var settings: ChannelSettings { .jsonlog(self) }

    package init(decoding fields: Fields, reader: inout NodeReader) {
        self.init()
        guard let node = fields["path"], let path = reader.string(node, fields.path("path"), expected: "a file path") else { return }
        if path.trimmingWhitespace().isEmpty {
            reader.report(node, fields.path("path"), "must not be empty; use - (or remove the key) for standard output")
        } else {
            self.path = path
        }
    }

    package func render(into out: inout YAMLLines) {
        if let path { out.append("    path: \(YAMLText.string(path))") }
    }
}
