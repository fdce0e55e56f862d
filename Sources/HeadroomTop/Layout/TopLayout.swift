/// Lays one frame out on a `width`×`height` terminal: a header, the GPUs, the host and its
/// container, the firing alerts, the processes and a key line. Pure: the same frame and
/// state always give the same lines, each exactly `width` cells.
public enum TopLayout {
    /// The smallest terminal drawn; a smaller one gets a one-line request to grow.
    public static let minimumWidth = 40
    public static let minimumHeight = 10

    /// One laid-out frame: its lines, and the largest useful `TopState.scroll` (the one that
    /// shows the last process on the last row; the shell clamps to it, so ↑ moves the list at
    /// once after scrolling past the end). The process list clamps the scroll it is given, so
    /// the lines are the same before and after the shell clamps: one layout per redraw.
    public struct Screen: Sendable {
        public var lines: [StyledLine]
        public var maximumScroll: Int

        /// Exactly `height` lines of exactly `width` cells.
        public func render(width: Int, color: Bool) -> [String] {
            lines.map { $0.render(width: width, color: color) }
        }
    }

    /// Exactly `height` lines of exactly `width` cells.
    public static func render(_ frame: TopFrame, state: TopState, width: Int, height: Int, color: Bool) -> [String] {
        layout(frame, state: state, width: width, height: height).render(width: width, color: color)
    }

    /// The frame laid out on a `width`×`height` terminal.
    public static func layout(_ frame: TopFrame, state: TopState, width: Int, height: Int) -> Screen {
        guard width >= minimumWidth, height >= minimumHeight else {
            let note = StyledLine("\(width)×\(height) < \(minimumWidth)×\(minimumHeight): enlarge", .warning)
            return Screen(lines: [note] + Array(repeating: StyledLine(), count: max(0, height - 1)), maximumScroll: 0)
        }
        var top = header(frame, width: width)
        let bottom = [footer(state, width: width)]
        if state.showHelp {
            top += help(frame, width: width)
            return Screen(lines: fill(top, bottom, height: height), maximumScroll: 0)
        }
        let hostLines = host(frame, width: width)
        let alertLines = alerts(frame, width: width, room: 3)
        let fixed = top.count + hostLines.count + alertLines.count + bottom.count
        // The GPUs get two lines each when that leaves the processes a title and five rows, one
        // line each when it leaves a title and three, else a window around the selection.
        let room = height - fixed
        let gpuLines = gpus(frame, state: state, width: width, wideRoom: room - 6, room: max(1, room - 4))
        top += gpuLines + hostLines + alertLines
        let processes = processes(frame, state: state, width: width, room: height - top.count - bottom.count)
        return Screen(lines: fill(top + processes.lines, bottom, height: height), maximumScroll: processes.maximumScroll)
    }

    /// `top` then blank lines then `bottom`, cut to `height`.
    private static func fill(_ top: [StyledLine], _ bottom: [StyledLine], height: Int) -> [StyledLine] {
        let body = Array(top.prefix(max(0, height - bottom.count)))
        return body + Array(repeating: StyledLine(), count: max(0, height - bottom.count - body.count)) + bottom
    }

    /// `left` and `right` on one line, `right` flush with the edge (dropped when both do not fit).
    static func spread(_ left: StyledLine, _ right: StyledLine, width: Int, fill: TextStyle = .plain) -> StyledLine {
        var line = left
        line.fill = fill
        let gap = width - left.width - right.width
        guard gap >= 1 else { return line }
        line.append(String(repeating: " ", count: gap))
        line.append(right)
        return line
    }
}
