extension TopLayout {
    /// The processes of the selected GPU (or of all), sorted, from the scroll position (clamped
    /// to the largest useful one, returned too), in `room` lines: a column title, then one row
    /// per process.
    static func processes(_ frame: TopFrame, state: TopState, width: Int, room: Int) -> (lines: [StyledLine], maximumScroll: Int) {
        guard room > 0, frame.status != nil, !frame.model.gpus.isEmpty else { return ([], 0) }
        let list = sorted(frame.model.processes.filter { state.selectedGPU == nil || $0.gpu == state.selectedGPU }, state: state)
        let totals = Dictionary(frame.model.gpus.map { ($0.index, $0.memoryTotal) }, uniquingKeysWith: { first, _ in first })
        let showContainer = list.contains { $0.container != nil || $0.pod != nil }
        let containerWidth = width >= 120 ? 24 : 14
        func arrow(_ column: ProcessSort) -> String { state.sort == column ? (state.descending ? "▼" : "▲") : " " }
        var title = StyledLine(" GPU\(arrow(.gpu))    PID\(arrow(.pid))    GPU-MEM\(arrow(.memory))  %MEM  ")
        if showContainer { title.append(CellWidth.fit("CONTAINER", containerWidth) + " ") }
        title.append("COMMAND" + arrow(.command))
        let scope = state.selectedGPU.map { "GPU \($0)" } ?? "all GPUs"
        var lines = [spread(title, StyledLine("\(list.count) on \(scope) "), width: width, fill: .inverse)]
        let rows = room - 1
        guard rows > 0 else { return (lines, 0) }
        if list.isEmpty {
            lines.append(StyledLine(" no process holds memory on \(scope)", .dim))
            return (lines, 0)
        }
        let maximumScroll = max(0, list.count - rows)
        let first = min(max(0, state.scroll), maximumScroll)
        for (offset, process) in list[first...].prefix(rows).enumerated() {
            if offset == rows - 1 && first + rows < list.count {
                lines.append(StyledLine(" … \(list.count - first - rows + 1) more (↓ to scroll)", .dim))
                break
            }
            var line = StyledLine(CellWidth.fit(process.gpu, 4, right: true) + " ")
            line.append(CellWidth.fit(String(process.pid), 7, right: true) + " ")
            line.append(CellWidth.fit(Units.bytes(process.memory), 11, right: true) + " ")
            let share = (totals[process.gpu] ?? nil).flatMap { $0 > 0 ? process.memory / $0 * 100 : nil }
            line.append(CellWidth.fit(Units.percent(share), 5, right: true) + "  ")
            if showContainer {
                let owner = [process.pod, process.container].compactMap { $0 }.joined(separator: "/")
                line.append(CellWidth.fit(owner.isEmpty ? "-" : owner, containerWidth) + " ", .accent)
            }
            line.append(process.command)
            lines.append(line)
        }
        return (lines, maximumScroll)
    }

    /// `processes` in the state's order; ties fall back to GPU then PID, so the order is stable.
    static func sorted(_ processes: [GPUProcessView], state: TopState) -> [GPUProcessView] {
        processes.sorted { left, right in
            let ascending: Bool? =
                switch state.sort {
                case .memory: left.memory == right.memory ? nil : left.memory < right.memory
                case .pid: left.pid == right.pid ? nil : left.pid < right.pid
                case .command: left.command == right.command ? nil : left.command < right.command
                case .gpu: left.gpu == right.gpu ? nil : TopModel.indexOrder(left.gpu, right.gpu)
                }
            if let ascending { return state.descending ? !ascending : ascending }
            return left.gpu != right.gpu ? TopModel.indexOrder(left.gpu, right.gpu) : left.pid < right.pid
        }
    }
}
