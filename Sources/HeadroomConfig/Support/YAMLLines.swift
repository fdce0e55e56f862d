/// YAML output being built line by line.
struct YAMLLines {
    private var lines: [String] = []

    mutating func append(_ line: String) { lines.append(line) }

    mutating func comment(_ text: String) { lines.append("# " + text) }

    mutating func blank() { lines.append("") }

    /// The lines, each ending in a newline.
    var text: String { lines.joined(separator: "\n") + "\n" }
}
