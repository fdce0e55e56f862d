/// Lays one frame out on a `width`×`height` terminal: a header, the GPUs, the host and its
/// container, the firing alerts, the processes and a key line. Pure: the same frame and
/// state always give the same lines, each exactly `width` cells.
public enum TopLayout {
    /// The smallest terminal drawn; a smaller one gets a one-line request to grow.
    public static let minimumWidth = 40
    public static let minimumHeight = 10

    /// Exactly `height` lines of exactly `width` cells.
    public static func render(_ frame: TopFrame, state: TopState, width: Int, height: Int, color: Bool) -> [String] {
        lines(frame, state: state, width: width, height: height).map { $0.render(width: width, color: color) }
    }

    /// The frame as styled lines, `height` of them.
    public static func lines(_ frame: TopFrame, state: TopState, width: Int, height: Int) -> [StyledLine] {
        guard width >= minimumWidth, height >= minimumHeight else {
            let note = StyledLine("\(width)×\(height) < \(minimumWidth)×\(minimumHeight): enlarge", .warning)
            return [note] + Array(repeating: StyledLine(), count: max(0, height - 1))
        }
        var top = header(frame, width: width)
        let bottom = [footer(state, width: width)]
        if state.showHelp {
            top += help(frame, width: width)
            return fill(top, bottom, height: height)
        }
        let hostLines = host(frame, width: width)
        let alertLines = alerts(frame, width: width, room: 3)
        let fixed = top.count + hostLines.count + alertLines.count + bottom.count
        // The GPUs get two lines each when that leaves the processes a title and five rows, one
        // line each when it leaves a title and three, else a window around the selection.
        let room = height - fixed
        let gpuLines = gpus(frame, state: state, width: width, wideRoom: room - 6, room: max(1, room - 4))
        top += gpuLines + hostLines + alertLines
        let processLines = processes(frame, state: state, width: width, room: height - top.count - bottom.count)
        return fill(top + processLines, bottom, height: height)
    }

    /// The largest useful `TopState.scroll`: the one that shows the last process on the last
    /// row (the shell clamps to it, so ↑ moves the list at once after scrolling past the end).
    public static func maximumScroll(_ frame: TopFrame, state: TopState, width: Int, height: Int) -> Int {
        let shown = lines(frame, state: state, width: width, height: height).map(\.plain)
        guard let title = shown.firstIndex(where: { $0.hasPrefix(" GPU") && $0.contains("COMMAND") }) else { return 0 }
        let rows = height - 1 - (title + 1)
        let count = frame.model.processes.filter { state.selectedGPU == nil || $0.gpu == state.selectedGPU }.count
        return max(0, count - rows)
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
