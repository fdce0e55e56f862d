/// The language of the chat and mail messages (YAML `language:` on a channel).
public enum MessageLanguage: String, Sendable, Hashable, CaseIterable {
    case en
    case zhCN = "zh-CN"
}
