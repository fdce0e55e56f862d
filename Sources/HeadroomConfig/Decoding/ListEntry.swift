import HeadroomConfigSyntax

/// One item of the `rules:` or `channels:` list, before decoding, with the key path its
/// problems are reported under.
struct ListEntry: Sendable {
    /// The item as written (and as changed by environment overrides).
    var node: ConfigNode
    /// `rules[2]` for the file's third rule, `rules[cpu_overload]` for a built-in,
    /// `channels[jsonlog]` for a channel added by `HEADROOM_CHANNELS`.
    var path: String
    /// Position in the file's list; nil for built-ins and for entries the environment added.
    var fileIndex: Int?

    /// The `name:` as written, if it is a scalar.
    var name: String? { node["name"]?.scalarText }

    /// The `type:` as written, if it is a scalar (channels).
    var type: String? { node["type"]?.scalarText }
}
