import Foundation
import HeadroomCore
import HeadroomTop
import Testing

@Suite("The layout of one frame")
struct TopLayoutTests {
    func screen(_ frame: TopFrame = TopFixtures.frame(), _ state: TopState = TopState(), width: Int = 80, height: Int = 24) -> [String] {
        TopLayout.render(frame, state: state, width: width, height: height, color: false)
    }

    @Test("every size gives exactly height lines of exactly width cells", arguments: [(80, 24), (120, 40), (40, 10), (200, 60), (30, 5)])
    func sizes(width: Int, height: Int) {
        for state in [TopState(), TopState(showHelp: true), TopState(selectedGPU: "1")] {
            let lines = screen(TopFixtures.frame(), state, width: width, height: height)
            #expect(lines.count == height)
            #expect(lines.allSatisfy { CellWidth.of($0) == width }, "\(lines)")
        }
    }

    @Test("80×24: header, both GPUs with bars, figures and sparklines, host, the alert, processes by memory, keys")
    func standard() {
        let lines = screen()
        #expect(lines[0].hasPrefix(" headroom top  gpu-node-1  "))
        #expect(lines[0].contains("every 5s") && lines[0].contains("range 15m") && lines[0].contains("1 alert firing"))
        #expect(lines[1].hasPrefix(" daemon http://127.0.0.1:19400 · history: daemon"))
        let gpu0 = lines.firstIndex { $0.hasPrefix(" 0 NVIDIA L4") } ?? 0
        #expect(lines[gpu0].contains("util  87%") && lines[gpu0].contains("86°C") && lines[gpu0].contains("30/72 W") && lines[gpu0].contains("⚠ thermal"))
        #expect(lines[gpu0 + 1].hasPrefix("   mem [") && lines[gpu0 + 1].contains("19.5/24.0 GiB  81%"))
        #expect(lines[gpu0 + 1].contains("│"), "the critical mark shows in the empty part")
        #expect(lines[gpu0].contains(where: { "▁▂▃▄▅▆▇█".contains($0) }), "a utilisation sparkline")
        #expect(lines.contains { $0.hasPrefix(" 1 A100-SXM4-80GB ") && $0.contains("util   3%") })
        #expect(lines.contains { $0.hasPrefix(" CPU  23%") && $0.contains("45.0/256.0 GiB  18%") && $0.contains("load 3.20 2.90 2.50") })
        // 81.25 rounds half away from zero, as the notification's message writes it.
        #expect(lines.contains { $0.hasPrefix(" WARN gpu_memory_high gpu=0  81.3 / 80.0  since ") })
        let title = lines.firstIndex { $0.hasPrefix(" GPU     PID     GPU-MEM▼  %MEM  CONTAINER") } ?? 0
        #expect(title > 0)
        #expect(lines[title].contains("3 on all GPUs"))
        #expect(lines[title + 1].contains("4242") && lines[title + 1].contains("12.0 GiB") && lines[title + 1].contains("vllm"))
        #expect(lines[title + 1].hasSuffix("python3" + String(repeating: " ", count: 80 - CellWidth.of(lines[title + 1].trimmingTrailingSpaces))))
        #expect(lines[title + 2].contains("tritonserver") && lines[title + 3].contains("ollama"))
        #expect(lines[23].hasPrefix(" q quit") && lines[23].hasSuffix("sort memory ▼ "))
    }

    @Test("a GPU picked: its processes only, the marker on it; sorted by PID ascending")
    func selected() {
        let lines = screen(TopFixtures.frame(), TopState(sort: .pid, selectedGPU: "0"))
        #expect(lines.contains { $0.hasPrefix("▶0 NVIDIA L4") })
        let title = lines.firstIndex { $0.contains("PID▲") } ?? 0
        #expect(lines[title].contains("2 on GPU 0"))
        #expect(lines[title + 1].contains("tritonserver") && lines[title + 2].contains("python3"))
        #expect(!lines.contains { $0.contains("ollama") })
    }

    @Test("eight GPUs at 80×24 take one line each; twenty show a window around the selection and how many more")
    func manyGPUs() {
        func frame(_ count: Int) -> TopFrame {
            let samples = (0..<count).flatMap { index in
                [
                    TopFixtures.gpu(String(index), "NVIDIA H100 80GB HBM3", "gpu_memory_used_bytes", Double(index) * TopFixtures.gib),
                    TopFixtures.gpu(String(index), "NVIDIA H100 80GB HBM3", "gpu_memory_total_bytes", 80 * TopFixtures.gib),
                ]
            }
            return TopFixtures.frame(status: TopFixtures.status(samples + TopFixtures.samples.filter { !$0.name.hasPrefix("gpu_") }), alerts: [])
        }
        let eight = screen(frame(8))
        #expect(eight.filter { $0.contains("H100 80GB") }.count == 8)
        #expect(!eight.contains { $0.hasPrefix("   mem [") })
        #expect(eight.contains { $0.hasPrefix(" 7 H100 80GB HBM3") && $0.contains("7.0/80.0 GiB") })
        let twenty = screen(frame(20), TopState(selectedGPU: "12"))
        #expect(twenty.contains { $0.hasPrefix("▶12 H100 80GB") })
        #expect(twenty.contains { $0.contains("more GPUs (Tab or 0-9 to pick)") })
        #expect(twenty.contains { $0.hasPrefix(" GPU ") }, "the process title keeps its place")
    }

    @Test("no daemon: the header says so, and where the history comes from")
    func local() {
        var frame = TopFixtures.frame(source: .local(url: "http://127.0.0.1:19400", reason: "connection refused"))
        frame.historySource = .sinceStart(reason: nil)
        let lines = screen(frame)
        #expect(lines[1].hasPrefix(" no daemon at http://127.0.0.1:19400 (connection refused): sampling here"))
    }

    @Test("before the first round: waiting; no GPU: says which collector could not read one")
    func empty() {
        #expect(screen(TopFixtures.frame(status: nil, alerts: [])).contains { $0.contains("waiting for the first sample") })
        var status = TopFixtures.status(TopFixtures.samples.filter { !$0.name.hasPrefix("gpu_") })
        status.collectors = [TopStatus.CollectorHealth(name: "nvml", ok: false, reason: "libnvidia-ml.so.1 not found")]
        let lines = screen(TopFixtures.frame(status: status, alerts: []))
        #expect(lines.contains { $0.hasPrefix(" no GPU found: libnvidia-ml.so.1 not found") })
        #expect(lines[1].contains(" · nvml: libnvidia-ml.so"))
    }

    @Test("more processes than rows: the last row says how many more; scrolling moves the window")
    func scrolling() {
        let processes = (1...40).map {
            TopFixtures.gpu("0", "NVIDIA L4", "gpu_process_memory_used_bytes", Double($0) * 1e6, [("pid", String($0)), ("command", "worker\($0)")])
        }
        let frame = TopFixtures.frame(status: TopFixtures.status(TopFixtures.samples + processes))
        let lines = screen(frame)
        #expect(lines.contains { $0.contains("more (↓ to scroll)") })
        let scrolled = screen(frame, TopState(scroll: 100))
        #expect(scrolled.contains { $0.contains("worker1 ") || $0.hasSuffix("worker1") || $0.contains(" worker1  ") })
        #expect(!scrolled.contains { $0.contains("more (↓ to scroll)") })
    }

    @Test("without colour no escape sequence at all; with colour, styles; a process name cannot inject one")
    func color() {
        let evil = TopFixtures.gpu("0", "NVIDIA L4", "gpu_process_memory_used_bytes", 1, [("pid", "666"), ("command", "x\u{1B}[2J\u{1B}]0;pwned\u{07}")])
        let frame = TopFixtures.frame(status: TopFixtures.status(TopFixtures.samples + [evil]))
        let plain = TopLayout.render(frame, state: TopState(), width: 80, height: 24, color: false)
        #expect(!plain.joined().contains("\u{1B}"))
        #expect(plain.contains { $0.contains("x?[2J?]0;pwned?") })
        let colored = TopLayout.render(frame, state: TopState(), width: 80, height: 24, color: true).joined()
        #expect(colored.contains("\u{1B}[7m") && colored.contains("\u{1B}[33m"))
        #expect(!colored.contains("\u{1B}[2J"))
    }

    @Test("the help lists the keys")
    func help() {
        let lines = screen(TopFixtures.frame(), TopState(showHelp: true))
        #expect(lines.contains { $0.contains("cycle the process sort") })
        #expect(lines.contains { $0.contains("5m 15m 1h 6h 24h") })
    }

    @Test("a terminal below 40×10 is asked to grow")
    func tooSmall() {
        #expect(screen(width: 30, height: 5)[0].hasPrefix("30×5 < 40×10: enlarge"))
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}

extension TopLayoutTests {
    @Test("one line per GPU: from 100 columns on, a memory sparkline after the figures")
    func compactSparkline() {
        var history = TopHistory()
        let samples = (0..<12).flatMap { index in
            [
                TopFixtures.gpu(String(index), "NVIDIA H100", "gpu_memory_used_bytes", 40 * TopFixtures.gib),
                TopFixtures.gpu(String(index), "NVIDIA H100", "gpu_memory_total_bytes", 80 * TopFixtures.gib),
            ]
        }
        history.record(samples, at: TopFixtures.now - 1, keep: 1000)
        var frame = TopFixtures.frame(status: TopFixtures.status(samples), alerts: [])
        frame.history = history
        let wide = screen(frame, width: 120, height: 24)
        let line = wide.first { $0.hasPrefix(" 3 NVIDIA H100") } ?? ""
        #expect(line.contains("40.0/80.0 GiB  50% ") && line.contains("▅  util"), "\(line)")
        let narrow = screen(frame, width: 80, height: 24).first { $0.hasPrefix(" 3 NVIDIA H100") } ?? ""
        #expect(!narrow.contains("▅"))
    }
}

extension TopLayoutTests {
    @Test("a daemon that lists its rules: its marks, its uptime beside the alerts, and why it is not ready")
    func daemonRules() {
        var status = TopFixtures.status()
        status.rules = [AlertRule(name: "tight", selector: MetricSelector("gpu_memory_used_percent"), condition: .above(50), severity: .warning)]
        status.uptimeSeconds = 11_520
        status.ready = false
        status.readyReason = "gpu_memory_critical is firing"
        let frame = TopFixtures.frame(status: status, alerts: [], rules: [])
        #expect(frame.marks(for: frame.model.gpus[0]) == MemoryMarks(warning: 50))
        let lines = screen(frame, width: 100, height: 24)
        #expect(lines[0].contains("range 15m  up 3h12m") && lines[0].contains("1 alert firing"))
        #expect(lines[1].contains(" · not ready: gpu_memory_critical is firing"))
        #expect(!screen(frame, width: 80, height: 24)[0].contains(" up "), "no room at 80 columns beside the alert count")
    }
}

extension TopLayoutTests {
    @Test("a leak alert says when the memory runs out")
    func leak() {
        let leak = TopAlert(
            rule: "gpu_memory_leak", severity: .warning, metric: "gpu_memory_used_bytes", labels: Labels([("gpu", "0")]),
            value: 14 * TopFixtures.gib, secondsToExhaustion: 540)
        #expect(screen(TopFixtures.frame(alerts: [leak])).contains { $0.hasPrefix(" WARN gpu_memory_leak gpu=0  14.0 GiB  full in 9m") })
    }
}

extension TopLayoutTests {
    @Test("the largest scroll shows the last process on the last row; End goes there")
    func maximumScroll() {
        let processes = (1...40).map {
            TopFixtures.gpu("0", "NVIDIA L4", "gpu_process_memory_used_bytes", Double($0) * 1e6, [("pid", String($0)), ("command", "worker\($0)")])
        }
        let frame = TopFixtures.frame(status: TopFixtures.status(TopFixtures.samples + processes))
        let maximum = TopLayout.layout(frame, state: TopState(), width: 80, height: 24).maximumScroll
        let lines = screen(frame, TopState(scroll: maximum))
        #expect(lines[22].contains("worker1") || lines[22].contains("ollama"), "\(lines)")
        #expect(!lines.contains { $0.contains("more (↓ to scroll)") })
        let before = screen(frame, TopState(scroll: maximum - 1))
        #expect(before.contains { $0.contains("more (↓ to scroll)") })
        #expect(TopLayout.layout(TopFixtures.frame(), state: TopState(), width: 80, height: 24).maximumScroll == 0)
        // End scrolls past the end; one layout draws the last page and says where to clamp.
        var end = TopState()
        end.handle(.end, gpus: ["0"])
        #expect(screen(frame, end) == screen(frame, TopState(scroll: maximum)))
        #expect(TopLayout.layout(frame, state: end, width: 80, height: 24).maximumScroll == maximum)
    }
}
