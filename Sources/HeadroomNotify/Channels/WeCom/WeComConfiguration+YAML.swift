/// Only the endpoint's keys (`url` or `url_file`, `allow_insecure`, `tls`, `timeout`).
extension WeComConfiguration: EndpointOnlyChannelYAML {
    package static let type = "wecom"

    package var settings: ChannelSettings { .wecom(self) }
}
