package import HeadroomConfigSyntax

/// The YAML of a channel that posts to one `HTTPEndpoint` (webhook, Slack, WeCom, DingTalk,
/// Feishu): the endpoint's keys, then the channel's own.
package protocol HTTPChannelYAML: ChannelYAML, HTTPChannel {
    /// The keys the channel takes besides the endpoint's.
    static var ownKeys: [String] { get }
    /// Reads the channel's own keys, its endpoint read.
    init(endpoint: HTTPEndpoint, decoding fields: Fields, reader: inout NodeReader)
    /// Writes the channel's own keys, after the endpoint's.
    func renderOwnKeys(into out: inout YAMLLines)
}

extension HTTPChannelYAML {
    package static var keys: [String] { HTTPEndpoint.keys + ownKeys }

    package init?(decoding fields: Fields, reader: inout NodeReader) {
        guard let endpoint = HTTPEndpoint(decoding: fields, reader: &reader) else { return nil }
        self.init(endpoint: endpoint, decoding: fields, reader: &reader)
    }

    package func render(into out: inout YAMLLines) {
        endpoint.render(into: &out)
        renderOwnKeys(into: &out)
    }
}

/// A channel whose only keys are its endpoint's (Slack, WeCom).
package protocol EndpointOnlyChannelYAML: HTTPChannelYAML {
    init(endpoint: HTTPEndpoint)
}

extension EndpointOnlyChannelYAML {
    package static var ownKeys: [String] { [] }

    package init(endpoint: HTTPEndpoint, decoding _: Fields, reader _: inout NodeReader) {
        self.init(endpoint: endpoint)
    }

    package func renderOwnKeys(into _: inout YAMLLines) {}
}
