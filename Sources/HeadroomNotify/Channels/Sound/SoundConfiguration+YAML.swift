package import HeadroomConfigSyntax

extension SoundConfiguration: ChannelYAML {
    package static let type = "sound"
    package static let keys = ["player"]

    package var settings: ChannelSettings { .sound(self) }

    package init(decoding fields: Fields, reader: inout NodeReader) {
        self.init(player: reader.choice(fields, "player", Player.self) ?? .auto)
    }

    package func render(into out: inout YAMLLines) {
        out.append("    player: \(player.rawValue)")
    }
}
