/// How a span of text is drawn when colour is on; with colour off (`NO_COLOR`, `--no-color`,
/// not a terminal) every style is plain text.
public enum TextStyle: Sendable, Hashable {
    case plain
    case bold
    case dim
    /// Reverse video: the header and footer bars, the selected GPU.
    case inverse
    case good
    case warning
    case critical
    case accent

    /// The SGR sequence that starts the style (none for plain).
    var sgr: String {
        switch self {
        case .plain: ""
        case .bold: "\u{1B}[1m"
        case .dim: "\u{1B}[2m"
        case .inverse: "\u{1B}[7m"
        case .good: "\u{1B}[32m"
        case .warning: "\u{1B}[33m"
        case .critical: "\u{1B}[1;31m"
        case .accent: "\u{1B}[36m"
        }
    }

    /// The style for a percentage against warning and critical marks.
    public static func level(_ percent: Double?, _ marks: MemoryMarks) -> TextStyle {
        guard let percent else { return .plain }
        if let critical = marks.critical, percent >= critical { return .critical }
        if let warning = marks.warning, percent >= warning { return .warning }
        return .good
    }
}
