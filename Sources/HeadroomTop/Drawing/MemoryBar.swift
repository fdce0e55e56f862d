/// A memory bar: `[███████▌░░░░│░░│]`, filled to the share taken, with eighth blocks for the
/// partial cell and the warning and critical marks drawn where the bar is still empty. With
/// colour, the filled part is green up to the warning mark, yellow to the critical mark and
/// red beyond.
public enum MemoryBar {
    static let partials: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    /// The bar, `width` cells including the brackets, for `fraction` (0…1) of the memory.
    public static func render(fraction: Double?, width: Int, marks: MemoryMarks) -> StyledLine {
        var line = StyledLine("[")
        let inner = max(0, width - 2)
        guard let fraction, fraction.isFinite else {
            line.append(String(repeating: " ", count: inner))
            line.append("]")
            return line
        }
        let clamped = max(0, min(1, fraction))
        let eighths = Int((clamped * Double(inner * 8)).rounded())
        let full = eighths / 8
        let partial = eighths % 8
        let markCells = [marks.warning, marks.critical].compactMap { $0 }.map { min(inner - 1, Int($0 / 100 * Double(inner))) }
        var cells: [(Character, TextStyle)] = []
        for cell in 0..<inner {
            let percent = (Double(cell) + 0.5) / Double(max(1, inner)) * 100
            let style = TextStyle.level(percent, marks)
            if cell < full {
                cells.append(("█", style))
            } else if cell == full && partial > 0 {
                cells.append((partials[partial - 1], style))
            } else if markCells.contains(cell) {
                cells.append(("│", .dim))
            } else {
                cells.append(("░", .dim))
            }
        }
        var run = ""
        var runStyle = TextStyle.plain
        for (character, style) in cells {
            if style != runStyle && !run.isEmpty {
                line.append(run, runStyle)
                run = ""
            }
            runStyle = style
            run.append(character)
        }
        line.append(run, runStyle)
        line.append("]")
        return line
    }
}
