extension TopLayout {
    /// The GPUs: two lines each (identity, utilisation sparkline, temperature, power; memory
    /// bar and memory sparkline) when they fit in `wideRoom`, else one line each in `room`,
    /// else a window around the selected GPU and a line saying how many are not shown.
    static func gpus(_ frame: TopFrame, state: TopState, width: Int, wideRoom: Int, room: Int) -> [StyledLine] {
        let gpus = frame.model.gpus
        guard !gpus.isEmpty else {
            guard frame.status != nil else { return [StyledLine(" waiting for the first sample…", .dim)] }
            let reasons = (frame.status?.collectors ?? []).filter { ["nvml", "nvidia", "amdgpu"].contains($0.name) }.compactMap(\.reason)
            return [StyledLine(" no GPU found" + (reasons.isEmpty ? "" : ": " + reasons.joined(separator: "; ")), .dim)]
        }
        if gpus.count * 2 <= wideRoom {
            return gpus.flatMap { wide($0, frame: frame, state: state, width: width) }
        }
        if gpus.count <= room {
            return gpus.map { compact($0, frame: frame, state: state, width: width) }
        }
        let shown = max(1, room - 1)
        let selected = gpus.firstIndex { $0.index == state.selectedGPU } ?? 0
        let first = max(0, min(selected - shown / 2, gpus.count - shown))
        let window = gpus[first..<(first + shown)]
        return window.map { compact($0, frame: frame, state: state, width: width) }
            + [StyledLine(" … \(gpus.count - shown) more GPUs (Tab or 0-9 to pick)", .dim)]
    }

    /// `▶0 ` for the selected GPU, ` 0 ` otherwise.
    private static func marker(_ gpu: GPUView, state: TopState) -> StyledLine {
        state.selectedGPU == gpu.index ? StyledLine("▶" + gpu.index + " ", .accent) : StyledLine(" " + gpu.index + " ", .bold)
    }

    private static func nameWidth(_ width: Int) -> Int { width >= 120 ? 28 : 18 }

    /// The GPU's name in `cells`: without the vendor's prefix (`NVIDIA `, `AMD `) when the
    /// whole name does not fit, so `A100-SXM4-80GB` shows whole at 80 columns.
    static func name(_ gpu: GPUView, _ cells: Int) -> String {
        var name = gpu.name
        for prefix in ["NVIDIA ", "AMD "] where CellWidth.of(name) > cells && name.hasPrefix(prefix) {
            name.removeFirst(prefix.count)
        }
        return CellWidth.fit(name, cells)
    }

    /// How wide the sparklines are at this terminal width.
    static func sparkWidth(_ width: Int) -> Int { max(0, min(60, (width - 50) * 2 / 3)) }

    private static func temperatureStyle(_ gpu: GPUView) -> TextStyle {
        guard let temperature = gpu.temperature else { return .plain }
        guard let slowdown = gpu.slowdownTemperature else { return temperature >= 85 ? .warning : .plain }
        return temperature >= slowdown ? .critical : temperature >= slowdown - 5 ? .warning : .plain
    }

    private static func tail(_ gpu: GPUView) -> StyledLine {
        var line = StyledLine()
        if let temperature = gpu.temperature { line.append("  \(Int(temperature.rounded()))°C", temperatureStyle(gpu)) }
        if let power = gpu.power { line.append("  \(Int(power.rounded()))" + (gpu.powerLimit.map { "/\(Int($0.rounded()))" } ?? "") + " W") }
        if !gpu.throttles.isEmpty { line.append("  ⚠ " + gpu.throttles.joined(separator: ","), .warning) }
        return line
    }

    private static func wide(_ gpu: GPUView, frame: TopFrame, state: TopState, width: Int) -> [StyledLine] {
        let spark = sparkWidth(width)
        let start = frame.instant - frame.range.seconds
        var first = marker(gpu, state: state)
        first.append(name(gpu, nameWidth(width)), .bold)
        first.append("  util ")
        first.append(CellWidth.fit(Units.percent(gpu.utilization), 4, right: true), .bold)
        first.append(" ")
        let utilization = frame.history.points(TopHistory.Key("gpu_utilization_percent", gpu: gpu.index))
        first.append(Sparkline.render(utilization, from: start, to: frame.instant, width: spark, floor: 0, ceiling: 100), .accent)
        first.append(tail(gpu))

        let marks = frame.marks(for: gpu)
        let fraction = gpu.memoryFraction
        let percent = fraction.map { $0 * 100 }
        var second = StyledLine("   mem ")
        let figures = " " + CellWidth.fit(Units.bytesPair(gpu.memoryTaken, gpu.memoryTotal), 16, right: true) + " "
        let bar = max(8, width - 7 - CellWidth.of(figures) - 5 - spark - 1)
        second.append(MemoryBar.render(fraction: fraction, width: bar, marks: marks))
        second.append(figures)
        second.append(CellWidth.fit(Units.percent(percent), 4, right: true), TextStyle.level(percent, marks))
        second.append(" ")
        let memory = frame.history.points(TopHistory.Key("gpu_memory_used_bytes", gpu: gpu.index))
        second.append(Sparkline.render(memory, from: start, to: frame.instant, width: spark, floor: 0, ceiling: gpu.memoryTotal ?? 0), .accent)
        return [first, second]
    }

    /// One line per GPU: name, memory bar and figures, utilisation, temperature, power; from
    /// 100 columns on, a memory sparkline after the bar.
    private static func compact(_ gpu: GPUView, frame: TopFrame, state: TopState, width: Int) -> StyledLine {
        let marks = frame.marks(for: gpu)
        let percent = gpu.memoryFraction.map { $0 * 100 }
        let spark = width >= 100 ? min(30, (width - 80) / 2) : 0
        var line = marker(gpu, state: state)
        line.append(name(gpu, nameWidth(width) - 4), .bold)
        line.append(" ")
        let bar = max(6, width - 3 - (nameWidth(width) - 4) - 1 - 23 - 10 - 18 - (spark > 0 ? spark + 1 : 0))
        line.append(MemoryBar.render(fraction: gpu.memoryFraction, width: bar, marks: marks))
        line.append(" " + CellWidth.fit(Units.bytesPair(gpu.memoryTaken, gpu.memoryTotal), 16, right: true) + " ")
        line.append(CellWidth.fit(Units.percent(percent), 4, right: true), TextStyle.level(percent, marks))
        if spark > 0 {
            let memory = frame.history.points(TopHistory.Key("gpu_memory_used_bytes", gpu: gpu.index))
            line.append(" ")
            line.append(
                Sparkline.render(memory, from: frame.instant - frame.range.seconds, to: frame.instant, width: spark, floor: 0, ceiling: gpu.memoryTotal ?? 0),
                .accent)
        }
        line.append("  util " + CellWidth.fit(Units.percent(gpu.utilization), 4, right: true))
        line.append(tail(gpu))
        return line
    }
}
