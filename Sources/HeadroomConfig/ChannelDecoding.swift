import HeadroomCore
import HeadroomNotify

/// Decodes `channels:` entries into channel configurations (one case per type).
enum ChannelDecoding {
    static let types = ["console", "jsonlog"]
    static let commonKeys = ["type", "name", "enabled", "min_severity", "send_resolved"]
    static let typeKeys: [String: [String]] = [
        "console": ["stream", "color"],
        "jsonlog": ["path"],
    ]
    static let allKeys = commonKeys + ["stream", "color", "path"]

    static func decode(_ entries: [ConfigurationLoader.ListEntry], reader: inout NodeReader) -> [ChannelConfiguration] {
        var out: [ChannelConfiguration] = []
        var typeCounts: [String: Int] = [:]
        var names: Set<String> = []
        for entry in entries {
            let path = entry.path
            guard case .mapping = entry.node else {
                reader.report(entry.node, path, "expected a channel such as {type: console}, got \(entry.node.kindDescription)")
                continue
            }
            guard let typeNode = entry.node["type"], let type = reader.string(typeNode, path + ".type") else {
                reader.report(entry.node, path, "a channel needs a `type` (one of \(types.joined(separator: ", ")))")
                continue
            }
            guard let specific = typeKeys[type] else {
                reader.report(typeNode, path + ".type", "unknown channel type \"\(type)\"; known types: \(types.joined(separator: ", "))",
                              suggestion: Suggestions.didYouMean(type, types))
                continue
            }
            guard let fields = reader.mapping(entry.node, path, allowed: commonKeys + specific) else { continue }
            typeCounts[type, default: 0] += 1
            let defaultName = typeCounts[type]! == 1 ? type : "\(type):\(typeCounts[type]!)"
            let name = reader.string(fields["name"], path + ".name") ?? defaultName
            if names.contains(name) {
                reader.report(fields["name"] ?? entry.node, path + ".name", "channel name \"\(name)\" is used twice; give each channel a unique `name`")
            }
            names.insert(name)
            let enabled = reader.bool(fields["enabled"], path + ".enabled") ?? true
            let minimum = fields["min_severity"] == nil ? .info : reader.choice(fields["min_severity"], path + ".min_severity", Severity.self) ?? .info
            let sendResolved = reader.bool(fields["send_resolved"], path + ".send_resolved") ?? true
            let settings: ChannelSettings
            switch type {
            case "console":
                var console = ConsoleConfiguration()
                if let stream = reader.choice(fields["stream"], path + ".stream", ConsoleConfiguration.Stream.self) { console.stream = stream }
                if let color = reader.choice(fields["color"], path + ".color", ConsoleConfiguration.ColorMode.self) { console.color = color }
                settings = .console(console)
            default:
                settings = .jsonlog(JSONLogConfiguration(path: reader.string(fields["path"], path + ".path")))
            }
            out.append(ChannelConfiguration(name: name, enabled: enabled, minimumSeverity: minimum, sendResolved: sendResolved, settings: settings))
        }
        return out
    }
}
