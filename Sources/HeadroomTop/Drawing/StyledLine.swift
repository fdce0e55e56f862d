/// One screen line as styled spans; it measures in terminal cells and renders with or
/// without colour, always exactly as wide as asked.
public struct StyledLine: Sendable, Hashable {
    public struct Span: Sendable, Hashable {
        public var text: String
        public var style: TextStyle
    }

    public private(set) var spans: [Span]
    /// A style for the whole line (the header bar): padding takes it too.
    public var fill: TextStyle

    public init(_ text: String = "", _ style: TextStyle = .plain, fill: TextStyle = .plain) {
        spans = text.isEmpty ? [] : [Span(text: CellWidth.printable(text), style: style)]
        self.fill = fill
    }

    /// Appends text (made printable) in a style.
    public mutating func append(_ text: String, _ style: TextStyle = .plain) {
        guard !text.isEmpty else { return }
        spans.append(Span(text: CellWidth.printable(text), style: style))
    }

    public mutating func append(_ other: StyledLine) {
        spans += other.spans
    }

    /// Cells taken.
    public var width: Int { spans.reduce(0) { $0 + CellWidth.of($1.text) } }

    /// The text without styles.
    public var plain: String { spans.map(\.text).joined() }

    /// Exactly `width` cells: cut (with `…`) or padded with spaces. With colour, each styled
    /// span is wrapped in its SGR sequence and reset after it.
    public func render(width: Int, color: Bool) -> String {
        var out = ""
        var used = 0
        let total = self.width
        for (index, span) in spans.enumerated() {
            let room = width - used
            guard room > 0 else { break }
            let isLast = index == spans.count - 1
            let spanWidth = CellWidth.of(span.text)
            let cut = spanWidth > room || (spanWidth == room && !isLast && total > used + spanWidth)
            let text = cut ? CellWidth.truncate(span.text, to: room) : span.text
            let taken = CellWidth.of(text)
            let style = span.style == .plain ? fill : span.style
            if color && style != .plain {
                out += style.sgr + (fill != .plain && style != fill ? fill.sgr : "") + text + "\u{1B}[0m"
            } else {
                out += text
            }
            used += taken
        }
        if used < width {
            let padding = String(repeating: " ", count: width - used)
            out += color && fill != .plain ? fill.sgr + padding + "\u{1B}[0m" : padding
        }
        return out
    }
}
