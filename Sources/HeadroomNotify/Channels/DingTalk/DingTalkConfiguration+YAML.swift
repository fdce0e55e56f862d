/// The endpoint's keys, `secret` or `secret_file`, and `keyword` (`SigningBotYAML`).
extension DingTalkConfiguration: SigningBotYAML {
    package static let type = "dingtalk"

    package var settings: ChannelSettings { .dingtalk(self) }
}
