import HeadroomCore

/// The `headroom gpus` view: one block per GPU, like gpustat and nvidia-smi at a glance.
///
/// ```
/// [0] NVIDIA L4            00000000:01:00.0   71°C  87%   65 / 72 W
///     memory [██████████████░░░░░░░░░░]  12.5 / 24.0 GiB  52.1%
///     pid 4242   11.0 GiB  python3 facefusion.py   container 0b8f1c6e2d4a
/// ```
/// Pure: snapshots in, text out; colour only when asked for.
public enum GPUTable {
    /// The whole view for the vendors read; `unavailable` lines say why a vendor shows nothing.
    public static func render(_ snapshots: [GPUSnapshot], unavailable: [String: String] = [:], color: Bool = false, barWidth: Int = 24) -> String {
        var lines: [String] = []
        for snapshot in snapshots {
            var header = snapshot.vendor == "nvidia" ? "NVIDIA" : snapshot.vendor.uppercased()
            if let version = snapshot.driverVersion, !version.isEmpty { header += " driver \(version)" }
            header += " (\(snapshot.library))"
            lines.append(header)
            if let problem = snapshot.driverProblem {
                lines.append("  driver unusable: \(problem)")
                continue
            }
            for skipped in snapshot.skipped { lines.append("  skipped \(skipped)") }
            for gpu in snapshot.gpus { lines += block(gpu, color: color, barWidth: barWidth) }
            if snapshot.gpus.isEmpty { lines.append("  no GPUs") }
        }
        for (vendor, reason) in unavailable.sorted(by: { $0.key < $1.key }) {
            lines.append("\(vendor): \(reason)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func block(_ gpu: GPUReading, color: Bool, barWidth: Int) -> [String] {
        let id = gpu.identity
        var title = "[\(id.index)"
        if let instance = id.gpuInstance { title += " MIG \(instance)" }
        title += "] \(id.name)"
        guard gpu.up else {
            return [paint(title + "  LOST: " + (gpu.problem ?? "not answering"), .red, color)]
        }
        var facts: [String] = [id.pciBusID]
        if let temperature = gpu.temperature {
            let hot = gpu.temperatureSlowdown.map { temperature >= $0 - 5 } ?? (temperature >= 85)
            facts.append(paint("\(MessageFormat.number(temperature, decimals: 0))°C", hot ? .red : .none, color))
        }
        if let utilization = gpu.utilization { facts.append("\(MessageFormat.number(utilization, decimals: 0))% util") }
        if let power = gpu.power {
            var text = "\(MessageFormat.number(power, decimals: 0))"
            if let limit = gpu.powerLimit { text += " / \(MessageFormat.number(limit, decimals: 0))" }
            facts.append(text + " W")
        }
        if let reasons = gpu.clockEventReasons {
            let alerting = ClockEventReason.all.filter { reasons & $0.bit != 0 && ["thermal", "power", "hardware"].contains($0.kind) }
            if !alerting.isEmpty { facts.append(paint("throttled: " + alerting.map(\.name).joined(separator: ","), .yellow, color)) }
        }
        var lines = [pad(title, 28) + " " + facts.joined(separator: "  ")]
        if let total = gpu.memoryTotal, let percent = gpu.memoryUsedPercent, let unavailable = gpu.memoryUnavailable {
            let filled = min(barWidth, Int((percent / 100 * Double(barWidth)).rounded()))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled)
            let shade: Shade = percent >= 95 ? .red : percent >= 80 ? .yellow : .green
            var text =
                "    memory [\(paint(bar, shade, color))] \(MessageFormat.bytes(unavailable)) / \(MessageFormat.bytes(total))  "
                + paint(MessageFormat.number(percent, decimals: 1) + "%", shade, color)
            if let reserved = gpu.memoryReserved, reserved > 0 { text += "  (\(MessageFormat.bytes(reserved)) reserved by the driver)" }
            lines.append(text)
        } else {
            lines.append("    memory: not reported by this device")
        }
        if let processes = gpu.processes {
            for process in processes {
                var text = "    pid \(pad(String(process.pid), 7)) \(pad(process.usedBytes.map(MessageFormat.bytes) ?? "?", 10)) \(process.command)"
                if let container = process.container {
                    text += "  container \(container)"
                } else if let cgroup = process.cgroup, cgroup != "/" {
                    text += "  cgroup \(cgroup)"
                }
                lines.append(text)
            }
            if processes.isEmpty { lines.append("    no processes") }
            if let problem = gpu.attributionProblem { lines.append("    containers unavailable: \(problem)") }
        } else if let problem = gpu.processesProblem {
            lines.append("    processes unavailable: \(problem)")
        }
        if let last = gpu.lastXidDescription { lines.append(paint("    last \(last)", .red, color)) }
        return lines
    }

    enum Shade: String {
        case none = ""
        case red = "\u{1B}[31m"
        case yellow = "\u{1B}[33m"
        case green = "\u{1B}[32m"
    }

    static func paint(_ text: String, _ shade: Shade, _ color: Bool) -> String {
        guard color, shade != .none else { return text }
        return shade.rawValue + text + "\u{1B}[0m"
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
