import HeadroomConfigSyntax
import HeadroomCore
import HeadroomNotify

/// Decodes `channels:` entries: the keys every channel takes here, the rest by the type's
/// own `ChannelYAML` conformance, found in `ChannelCatalog.types`.
enum ChannelDecoder {
    static let commonKeys = ["type", "name", "enabled", "min_severity", "send_resolved", "language", "time_zone"]

    static var typeNames: [String] { ChannelCatalog.types.map { $0.type } }

    /// Every key some channel type takes.
    static var allKeys: [String] { commonKeys + Array(Set(ChannelCatalog.types.flatMap { $0.keys })).sorted() }

    /// The name each entry gets: its `name:`, else its type, else `type:2`, `type:3`… (the
    /// first not taken). Nil for an entry with neither name nor type.
    static func names(of entries: [ListEntry]) -> [String?] {
        var taken = Set(entries.compactMap(\.name))
        return entries.map { entry in
            if let name = entry.name { return name }
            guard let type = entry.type else { return nil }
            var candidate = type
            var number = 2
            while taken.contains(candidate) {
                candidate = "\(type):\(number)"
                number += 1
            }
            taken.insert(candidate)
            return candidate
        }
    }

    /// The list's channels; a missing list is one console channel.
    static func entries(file: ConfigNode?, reader: inout NodeReader) -> [ListEntry] {
        guard let file else {
            let mark = ConfigNode.Mark(origin: "default channels", line: nil, column: nil)
            let console = ConfigNode.mapping([ConfigNode.Pair(key: "type", keyMark: mark, value: .scalar("console", quoted: false, mark))], mark)
            return [ListEntry(node: console, path: "channels[console]", fileIndex: nil)]
        }
        switch file {
        case .null:
            return entries(file: nil, reader: &reader)
        case .sequence(let items, _):
            return items.enumerated().map { ListEntry(node: $0.element, path: "channels[\($0.offset)]", fileIndex: $0.offset) }
        default:
            reader.report(file, "channels", "expected a list of channels (each starting with `- type: …`), got \(file.kindDescription)")
            return []
        }
    }

    /// Decodes every entry, checking that names are unique.
    static func decode(_ entries: [ListEntry], reader: inout NodeReader) -> [ChannelConfiguration] {
        let names = names(of: entries)
        var firstUse: [String: String] = [:]
        var channels: [ChannelConfiguration] = []
        for (entry, name) in zip(entries, names) {
            var duplicate = false
            if let name, let node = entry.node["name"] {
                if let first = firstUse[name] {
                    reader.report(node, "\(entry.path).name", "channel name \"\(name)\" is already used by \(first); channel names must be unique")
                    duplicate = true
                }
            }
            if let name, firstUse[name] == nil { firstUse[name] = entry.path }
            if let channel = decode(entry, name: name, reader: &reader), !duplicate {
                channels.append(channel)
            }
        }
        return channels
    }

    private static func decode(_ entry: ListEntry, name: String?, reader: inout NodeReader) -> ChannelConfiguration? {
        let path = entry.path
        guard case .mapping = entry.node else {
            reader.report(entry.node, path, "expected a channel: a mapping such as {type: console}, got \(entry.node.kindDescription)")
            return nil
        }
        guard let typeNode = entry.node["type"], !typeNode.isNull else {
            reader.report(entry.node, path, "a channel needs a `type`: one of \(typeNames.joined(separator: ", "))")
            return nil
        }
        guard let type = reader.string(typeNode, "\(path).type", expected: "a channel type") else { return nil }
        guard let channelType = ChannelCatalog.types.first(where: { $0.type == type }) else {
            reader.report(
                typeNode, "\(path).type", "unknown channel type \"\(type)\"; the channel types are \(typeNames.joined(separator: ", "))",
                suggestion: Suggestions.didYouMean(type, typeNames))
            return nil
        }
        let specific = channelType.keys
        var elsewhere: [String: String] = [:]
        for other in ChannelCatalog.types where other.type != type {
            for key in other.keys where !specific.contains(key) {
                elsewhere[key] = "`\(key)` is a setting of \(other.type) channels; \(type) channels take \(specific.joined(separator: ", "))"
            }
        }
        let issuesBefore = reader.issues.count
        guard let fields = reader.fields(entry.node, path, allowed: commonKeys + specific, expected: "a channel", elsewhere: elsewhere) else { return nil }
        if let node = fields["name"], let text = reader.string(node, fields.path("name"), expected: "a channel name"),
            text.trimmingWhitespace().isEmpty
        {
            reader.report(node, fields.path("name"), "must not be empty; remove it to name the channel after its type")
        }
        let enabled = reader.bool(fields, "enabled") ?? true
        let minimumSeverity = reader.choice(fields, "min_severity", Severity.self) ?? .info
        let sendResolved = reader.bool(fields, "send_resolved") ?? true
        let settings = channelType.init(decoding: fields, reader: &reader)?.settings
        let language = reader.choice(fields, "language", MessageLanguage.self) ?? .en
        let timeZone = reader.string(fields, "time_zone", expected: "an IANA time zone such as Asia/Shanghai")
        if let timeZone, !ChannelCatalog.knowsTimeZone(timeZone), let node = fields["time_zone"] {
            reader.report(node, fields.path("time_zone"), "unknown time zone \"\(timeZone)\"; use an IANA name such as Asia/Shanghai, Europe/Berlin or UTC")
        }
        guard reader.issues.count == issuesBefore, let name, let settings else { return nil }
        var channel = ChannelConfiguration(
            name: name, enabled: enabled, minimumSeverity: minimumSeverity,
            sendResolved: sendResolved, settings: settings)
        channel.language = language
        channel.timeZone = timeZone
        return channel
    }
}
