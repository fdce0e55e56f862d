import HeadroomConfigSyntax
import HeadroomCore

extension EnvironmentOverrides {
    /// `HEADROOM_CHANNELS`, then `HEADROOM_CHANNELS_<N or NAME or TYPE>_<KEY>`.
    mutating func applyChannels(to channels: inout [ListEntry], reader: inout NodeReader) {
        if let value = variables.first(where: { $0.name == Self.channelsVariable })?.value {
            handled.insert(Self.channelsVariable)
            enableOnly(value, channels: &channels, reader: &reader)
        }
        for (variable, value) in variables where variable.hasPrefix(Self.channelsPrefix) {
            handled.insert(variable)
            let rest = String(variable.dropFirst(Self.channelsPrefix.count))
            let names = ChannelDecoder.names(of: channels)
            let types = channels.compactMap(\.type)
            let tokens = channels.indices.map { position in
                var tokens = [String(position)]
                if let name = names[position] { tokens.append(Self.token(name)) }
                if let type = channels[position].type, types.filter({ $0 == type }).count == 1 { tokens.append(Self.token(type)) }
                return tokens
            }
            switch Self.match(rest, tokens: tokens) {
            case .none:
                let known = names.compactMap { $0 }
                let variables = known.flatMap { name in ChannelDecoder.allKeys.map { Self.channelsPrefix + Self.token(name) + "_" + Self.token($0) } }
                reader.add(
                    Self.issue(
                        variable, "channels",
                        "matches no channel: write HEADROOM_CHANNELS_<NAME>_<KEY> with one of the channel names "
                            + "(\(known.joined(separator: ", "))) or HEADROOM_CHANNELS_<N>_<KEY> with its position in the list",
                        suggestion: Suggestions.didYouMean(variable, variables)))
            case .ambiguous(let positions):
                let paths = positions.map { channels[$0].path }.joined(separator: ", ")
                reader.add(Self.issue(variable, "channels", "matches several channels (\(paths)); address one by its position or give them distinct names"))
            case .entry(let position, let keyText):
                let key = keyText.lowercased()
                let path = "\(channels[position].path).\(key)"
                guard ChannelDecoder.allKeys.contains(key) else {
                    let entryToken = String(rest.dropLast(keyText.count))
                    reader.add(
                        Self.issue(
                            variable, channels[position].path, "\(keyText) is not a channel key",
                            suggestion: Suggestions.didYouMean(variable, ChannelDecoder.allKeys.map { Self.channelsPrefix + entryToken + Self.token($0) })))
                    continue
                }
                guard claim("channels:\(position):\(key)", by: variable, path: path, reader: &reader) else { continue }
                Self.set(ConfigNode.environmentValue(value, variable: variable), at: [key], in: &channels[position].node, variable: variable)
            }
        }
    }

    /// Enables the listed channels (by type or name) and disables the others; a listed type
    /// with no entry is added with its defaults.
    private func enableOnly(_ value: String, channels: inout [ListEntry], reader: inout NodeReader) {
        let variable = Self.channelsVariable
        let wanted = value.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
        let names = ChannelDecoder.names(of: channels)
        let mark = ConfigNode.Mark.environment(variable)
        var matched: Set<String> = []
        for position in channels.indices {
            let identities = [names[position], channels[position].type].compactMap { $0 }
            let listed = wanted.filter { identities.contains($0) }
            matched.formUnion(listed)
            channels[position].node.set("enabled", .scalar(listed.isEmpty ? "false" : "true", quoted: false, mark), keyMark: mark)
        }
        for token in wanted where !matched.contains(token) {
            if ChannelDecoder.typeNames.contains(token) {
                let node = ConfigNode.mapping([ConfigNode.Pair(key: "type", keyMark: mark, value: .scalar(token, quoted: false, mark))], mark)
                channels.append(ListEntry(node: node, path: "channels[\(token)]", fileIndex: nil))
                matched.insert(token)
            } else {
                let candidates = ChannelDecoder.typeNames + names.compactMap { $0 }
                let types = ChannelDecoder.typeNames.joined(separator: ", ")
                reader.add(
                    Self.issue(
                        variable, "channels", "\"\(token)\" is neither a channel type (\(types)) nor the name of a channel",
                        suggestion: Suggestions.didYouMean(token, candidates)))
            }
        }
    }
}
