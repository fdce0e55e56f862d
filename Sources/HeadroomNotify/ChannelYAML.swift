package import HeadroomConfigSyntax

/// How one channel type is written in the configuration: its `type:` name, the keys it takes,
/// how it reads them and how it writes them back for `headroom config`. Each channel's
/// configuration conforms in its own folder (`Channels/<Name>/<Name>Configuration+YAML.swift`),
/// and `ChannelCatalog.types` lists them; the loader and the renderer only iterate that list.
package protocol ChannelYAML: Sendable {
    /// The YAML `type:` value.
    static var type: String { get }
    /// The keys this type takes besides the ones every channel takes (`name`, `enabled`,
    /// `min_severity`, `send_resolved`, `language`, `time_zone`), in the order messages list them.
    static var keys: [String] { get }
    /// Reads this type's keys (unknown ones were already reported), reporting every problem
    /// to `reader`; nil when a problem leaves nothing to configure.
    init?(decoding fields: Fields, reader: inout NodeReader)
    /// Writes every one of this type's keys, a `    key: value` line each under the channel's
    /// `- type:`; secrets through `YAMLLines.secret` or `YAMLText.secret`, never their value.
    func render(into out: inout YAMLLines)
    /// This configuration as its case of `ChannelSettings`.
    var settings: ChannelSettings { get }
}
