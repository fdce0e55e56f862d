/// The values of one mapping, after its unknown keys were reported: what decoders read.
///
/// A key whose value is null (`key:` or `key: ~`) counts as absent, so it takes its default.
package struct Fields {
    /// The mapping itself, for problems that concern it as a whole ("a rule needs a `name`").
    package let node: ConfigNode
    /// Its key path: `rules[0]`, `alerting.flapping`; empty for the document.
    package let path: String
    /// Non-null values of the allowed keys.
    package let values: [String: ConfigNode]

    /// The value of `key`, unless absent or null.
    package subscript(key: String) -> ConfigNode? { values[key] }

    /// The key path of `key` in this mapping.
    package func path(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    /// The present keys among `keys`, in the order given.
    package func present(_ keys: [String]) -> [String] {
        keys.filter { values[$0] != nil }
    }
}
