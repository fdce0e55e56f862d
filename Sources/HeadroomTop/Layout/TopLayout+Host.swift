extension TopLayout {
    /// The host line (CPU and memory with sparklines, load) and, when there is one, a line
    /// for the container's memory and the pressure-stall shares.
    static func host(_ frame: TopFrame, width: Int) -> [StyledLine] {
        guard frame.status != nil else { return [] }
        let host = frame.model.host
        let spark = max(0, min(40, (width - 62) / 2))
        let start = frame.instant - frame.range.seconds
        var line = StyledLine(" CPU ", .bold)
        line.append(CellWidth.fit(Units.percent(host.cpuPercent), 4, right: true), TextStyle.level(host.cpuPercent, MemoryMarks(warning: 80, critical: 95)))
        line.append(" ")
        let cpu = frame.history.points(TopHistory.Key("cpu_used_percent"))
        line.append(Sparkline.render(cpu, from: start, to: frame.instant, width: spark, floor: 0, ceiling: 100), .accent)
        line.append("  MEM ", .bold)
        line.append(CellWidth.fit(Units.bytesPair(host.memoryUsed, host.memoryTotal), 16, right: true) + " ")
        line.append(
            CellWidth.fit(Units.percent(host.memoryPercent), 4, right: true), TextStyle.level(host.memoryPercent, MemoryMarks(warning: 85, critical: 95)))
        line.append(" ")
        let memory = frame.history.points(TopHistory.Key("memory_used_percent"))
        line.append(Sparkline.render(memory, from: start, to: frame.instant, width: spark, floor: 0, ceiling: 100), .accent)
        if !host.load.isEmpty {
            line.append("  load ", .bold)
            line.append(host.load.map { Units.decimal($0) }.joined(separator: " "))
        }
        var lines = [line]
        var extra = StyledLine()
        if let container = host.container {
            extra.append(" CTR ", .bold)
            if let limit = container.limit {
                let percent = container.usage.map { $0 / limit * 100 }
                extra.append(Units.bytesPair(container.usage, limit) + " ")
                extra.append(Units.percent(percent), TextStyle.level(percent, MemoryMarks(warning: 85, critical: 95)))
            } else {
                extra.append(Units.bytes(container.usage) + " (no limit)")
            }
            if let workingSet = container.workingSet { extra.append("  ws " + Units.bytes(workingSet)) }
            if let kills = container.oomKills {
                extra.append("  oom ")
                extra.append(String(Int(kills)), kills > 0 ? .critical : .plain)
            }
        }
        if !host.pressure.isEmpty {
            extra.append(extra.width == 0 ? " PSI " : "   PSI ", .bold)
            let names = ["cpu": "cpu", "memory": "mem", "io": "io"]
            extra.append(
                host.pressure.map { "\(names[$0.resource] ?? $0.resource) \(Units.decimal($0.percent, places: 1))%" }.joined(separator: " "))
        }
        if extra.width > 0 { lines.append(extra) }
        return lines
    }
}
