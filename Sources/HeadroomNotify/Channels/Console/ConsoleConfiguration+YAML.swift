package import HeadroomConfigSyntax

extension ConsoleConfiguration: ChannelYAML {
    package static let type = "console"
    package static let keys = ["stream", "color"]

    package var settings: ChannelSettings { .console(self) }

    package init(decoding fields: Fields, reader: inout NodeReader) {
        self.init()
        if let stream = reader.choice(fields, "stream", Stream.self) { self.stream = stream }
        if let color = reader.choice(fields, "color", ColorMode.self) { self.color = color }
    }

    package func render(into out: inout YAMLLines) {
        out.append("    stream: \(stream.rawValue)")
        out.append("    color: \(color.rawValue)")
    }
}
