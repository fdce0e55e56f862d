extension TopLayout {
    /// The keys, and how to read the picture.
    static func help(_ frame: TopFrame, width: Int) -> [StyledLine] {
        let keys: [(String, String)] = [
            ("q  Ctrl-C", "quit"),
            ("s", "cycle the process sort: memory, pid, command, gpu"),
            ("m p c g", "sort by memory, PID, command, GPU (again: invert)"),
            ("i", "invert the sort"),
            ("Tab →  ⇧Tab ←", "next / previous GPU (its processes), then all"),
            ("0-9  a  Esc", "that GPU; a or Esc: all GPUs"),
            ("r +  R -", "longer / shorter range: 5m 15m 1h 6h 24h"),
            ("↑ ↓ PgUp PgDn Home End", "scroll the processes"),
            ("Ctrl-Z  Ctrl-L", "suspend to the shell (fg comes back); redraw"),
            ("?  h", "this help (any key closes it)"),
        ]
        var lines = [StyledLine(" Keys", .bold)]
        lines += keys.map { key, meaning in
            var line = StyledLine("  " + CellWidth.fit(key, 20), .accent)
            line.append(meaning)
            return line
        }
        lines.append(StyledLine())
        lines.append(StyledLine(" Sparklines: the highest value in each slice of the range; a blank is no data.", .dim))
        lines.append(StyledLine(" Memory bars: allocations plus the driver's reserve; │ marks the rules' warning", .dim))
        lines.append(StyledLine(" and critical thresholds (yellow and red beyond them).", .dim))
        return lines
    }
}
