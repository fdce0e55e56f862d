/// The endpoint's keys, `secret` or `secret_file`, and `keyword` (`SigningBotYAML`).
extension FeishuConfiguration: SigningBotYAML {
    package static let type = "feishu"

    package var settings: ChannelSettings { .feishu(self) }
}
