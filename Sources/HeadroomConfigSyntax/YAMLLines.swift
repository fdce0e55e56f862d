/// YAML output being built line by line.
package struct YAMLLines {
    private var lines: [String] = []

    package init() {}

    package mutating func append(_ line: String) { lines.append(line) }

    package mutating func comment(_ text: String) { lines.append("# " + text) }

    package mutating func blank() { lines.append("") }

    /// The lines, each ending in a newline.
    package var text: String { lines.joined(separator: "\n") + "\n" }
}
