package import HeadroomCore

/// YAML output being built line by line.
package struct YAMLLines {
    private var lines: [String] = []

    package init() {}

    package mutating func append(_ line: String) { lines.append(line) }

    package mutating func comment(_ text: String) { lines.append("# " + text) }

    package mutating func blank() { lines.append("") }

    /// `key: "<secret>"` for an inline secret, `key_file: <path>` for one read from a file (a
    /// path is not secret), indented by `indent`.
    package mutating func secret(_ key: String, _ value: Secret, indent: String) {
        switch value.source {
        case .value: append("\(indent)\(key): \(YAMLText.secret(value))")
        case .file(let path): append("\(indent)\(key)_file: \(YAMLText.string(path))")
        }
    }

    /// The lines, each ending in a newline.
    package var text: String { lines.joined(separator: "\n") + "\n" }
}
