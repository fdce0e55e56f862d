/// Only the endpoint's keys (`url` or `url_file`, `allow_insecure`, `tls`, `timeout`).
extension SlackConfiguration: EndpointOnlyChannelYAML {
    package static let type = "slack"

    package var settings: ChannelSettings { .slack(self) }
}
