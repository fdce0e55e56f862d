import Foundation
import HeadroomTesting
import Testing

extension ProcessTests {
    /// The dashboard as a person sees it: the real binary reading two fake GPUs, opened in
    /// Debian's headless Chromium. Screenshots land in `.build/screenshots/`.
    @Suite("Dashboard in a real browser")
    struct DashboardBrowserTests {
        static let token = "dashboard-test-token-0123456789"
        /// GPU 0 at 96 % (past the default critical 95 %, a gating rule: not ready), two
        /// processes; GPU 1 nearly idle.
        static let scenario = """
            gpus 2
            gpu 0 name NVIDIA L4
            gpu 0 total 25769803776
            gpu 0 used 24739011870
            gpu 0 reserved 268435456
            gpu 0 util 91
            gpu 0 temp 71
            gpu 0 power 61000
            gpu 0 reasons 0x4
            pname 4242 python3 facefusion.py
            pname 4343 vllm serve
            gpu 0 procs 4242:20401094656 4343:4294967296
            gpu 1 name NVIDIA A100-SXM4-80GB
            gpu 1 total 85899345920
            gpu 1 used 1073741824
            gpu 1 procs 4343:1073741824
            """

        static func yaml(_ directory: borrowing TemporaryDirectory) -> String {
            """
            interval: 1s
            hostname: gpu-node-7
            state_dir: \(directory.path("state"))
            collectors:
              disabled: [amdgpu]
            channels: []
            server:
              listen: 127.0.0.1:0
              token: \(token)
            """
        }

        /// A daemon with history, a browser on its page, and the page drawn with a few points.
        static func open(
            _ directory: borrowing TemporaryDirectory, language: String = "en-US", width: Int = 1280, height: Int = 1000
        ) async throws -> (HeadroomProcess, WebDriver, Int) {
            let fake = try FakeNVML(scenario: scenario)
            let (daemon, port) = try await PrometheusScrapeTests.startHeadroom(directory, fake, yaml: yaml(directory))
            let browser: WebDriver
            do { browser = try await WebDriver(directory: directory, language: language, width: width, height: height) } catch {
                daemon.signal(SIGTERM)
                throw error
            }
            do {
                try await browser.open("http://127.0.0.1:\(port)/")
                _ = try await browser.wait(
                    for: "two points on GPU 0's memory chart and on the CPU chart (a rate: from the second round on)",
                    """
                    const h = window.headroom; if (!h || !h.rendered()) return null;
                    const rows = id => (h.charts().find(c => c.id === id) || {rows: 0}).rows;
                    return rows('gpu-mem-0') >= 2 && rows('cpu') >= 2 ? true : null;
                    """)
            } catch {
                await browser.quit()
                daemon.signal(SIGTERM)
                throw error
            }
            withExtendedLifetime(fake) {}
            return (daemon, browser, port)
        }

        static func status(_ port: Int) async throws -> [String: Any] {
            let body = try #require(await httpGet("http://127.0.0.1:\(port)/api/v1/status")?.body)
            return try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        }

        static func sample(_ status: [String: Any], _ name: String, gpu: String? = nil) -> Double? {
            let samples = status["samples"] as? [[String: Any]] ?? []
            return samples.first {
                $0["name"] as? String == name && (gpu == nil || ($0["labels"] as? [String: String])?["gpu"] == gpu)
            }?["value"] as? Double
        }

        static func save(_ png: Data, _ name: String) throws -> String {
            let url = try screenshotDirectory().appendingPathComponent(name)
            try png.write(to: url)
            return url.path
        }

        @Test("the page names each GPU and shows its memory as /api/v1/status has it, draws charts, logs no error, and fits 1280 px and 360 px")
        func figuresChartsAndLayout() async throws {
            let directory = try TemporaryDirectory()
            let (daemon, browser, port) = try await Self.open(directory)
            defer { daemon.signal(SIGTERM) }

            let status = try await Self.status(port)
            let page = try #require(
                try await browser.run(
                    """
                    const card = document.querySelector('.gpu[data-gpu="0"]');
                    const value = m => Number(card.querySelector('[data-metric="' + m + '"]').dataset.value);
                    const text = m => card.querySelector('[data-metric="' + m + '"]').textContent;
                    return {
                      name: card.querySelector('.name').textContent,
                      other: document.querySelector('.gpu[data-gpu="1"] .name').textContent,
                      used: value('gpu_memory_used_bytes'), usedText: text('gpu_memory_used_bytes'),
                      total: value('gpu_memory_total_bytes'), totalText: text('gpu_memory_total_bytes'),
                      reserved: value('gpu_memory_reserved_bytes'),
                      marks: card.querySelectorAll('.bar .mark').length,
                      pids: Array.from(card.querySelectorAll('.processes tr[data-pid]')).map(r => r.dataset.pid + ' ' + r.children[1].textContent),
                      ready: document.getElementById('ready').dataset.ready,
                      alerts: Array.from(document.querySelectorAll('#alerts-table tr[data-rule]')).map(r => r.dataset.rule),
                      host: document.getElementById('host').textContent,
                      charts: window.headroom.charts()
                    };
                    """) as? [String: Any])
            #expect(page["name"] as? String == "GPU 0 · NVIDIA L4")
            #expect(page["other"] as? String == "GPU 1 · NVIDIA A100-SXM4-80GB")
            #expect(page["host"] as? String == "gpu-node-7")
            // The figures are the daemon's: the same bytes, written as GiB with one decimal.
            #expect(page["used"] as? Double == Self.sample(status, "gpu_memory_used_bytes", gpu: "0"))
            #expect(page["total"] as? Double == Self.sample(status, "gpu_memory_total_bytes", gpu: "0"))
            #expect(page["reserved"] as? Double == Self.sample(status, "gpu_memory_reserved_bytes", gpu: "0"))
            #expect(page["usedText"] as? String == "23.0 GiB")
            #expect(page["totalText"] as? String == "24.0 GiB")
            #expect(page["marks"] as? Int == 2, "the warning (80 %) and critical (95 %) thresholds on the memory bar")
            #expect(page["pids"] as? [String] == ["4242 python3 facefusion.py", "4343 vllm serve"])
            #expect(page["ready"] as? String == "false", "gpu_memory_critical gates readiness")
            #expect((page["alerts"] as? [String])?.contains("gpu_memory_critical") == true)
            let charts = page["charts"] as? [[String: Any]] ?? []
            for id in ["gpu-mem-0", "gpu-proc-0", "gpu-util-0", "gpu-mem-1", "cpu", "memory", "load"] {
                let chart = charts.first { $0["id"] as? String == id }
                #expect((chart?["rows"] as? Int ?? 0) >= 2, "chart \(id) holds points: \(charts)")
            }
            #expect(charts.first { $0["id"] as? String == "gpu-proc-0" }?["series"] as? Int == 2, "one stacked series per process")

            let wide = try Self.save(try await browser.screenshot(), "dashboard-1280.png")
            #expect(try await browser.run("return document.documentElement.scrollWidth <= window.innerWidth") as? Bool == true)

            try await browser.resize(width: 360, height: 1400)
            _ = try await browser.wait(for: "the narrow layout", "return window.innerWidth <= 400 ? true : null")
            let narrow = try #require(
                try await browser.run(
                    """
                    const card = document.querySelector('.gpu[data-gpu="0"]').getBoundingClientRect();
                    const canvas = document.querySelector('#chart-gpu-mem-0 canvas');
                    return { overflow: document.documentElement.scrollWidth - window.innerWidth, card: card.width,
                      canvas: canvas ? canvas.getBoundingClientRect().width : 0, width: window.innerWidth };
                    """) as? [String: Any])
            #expect(narrow["overflow"] as? Int ?? 1 <= 0, "nothing wider than a 360 px screen: \(narrow)")
            #expect((narrow["card"] as? Double ?? 0) > 300, "\(narrow)")
            #expect((narrow["canvas"] as? Double ?? 0) > 250, "charts redraw to the narrow width: \(narrow)")
            let small = try Self.save(try await browser.screenshot(), "dashboard-360.png")

            let errors = try await browser.consoleEntries().filter { $0.level == "SEVERE" }
            #expect(errors.isEmpty, "browser console: \(errors)")
            print("dashboard screenshots: \(wide) \(small)")
            await browser.quit()
        }

        @Test("silencing from the page is refused without the token and works with it")
        func silence() async throws {
            let directory = try TemporaryDirectory()
            let (daemon, browser, port) = try await Self.open(directory)
            defer { daemon.signal(SIGTERM) }
            let button = #"#alerts-table tr[data-rule="gpu_memory_critical"] button[data-duration="1h"]"#

            try await browser.click(button)
            let refused = try await browser.wait(
                for: "the refusal", "const o = document.getElementById('silence-result').dataset.outcome; return o || null;")
            #expect(refused as? String == "refused")
            #expect(await httpGet("http://127.0.0.1:\(port)/api/v1/silences")?.body == "[]")

            try await browser.type("#token", Self.token)
            try await browser.click(button)
            let done = try await browser.wait(
                for: "the silence",
                "const o = document.getElementById('silence-result').dataset.outcome; return o === 'silenced' ? o : null;")
            #expect(done as? String == "silenced")
            let silences = try #require(await httpGet("http://127.0.0.1:\(port)/api/v1/silences")?.body)
            #expect(silences.contains("gpu_memory_critical"), "\(silences)")
            // The silence matches the GPU by its index, as the row shows it; not by its UUID.
            #expect(silences.contains(#""gpu""#) && !silences.contains("uuid") && !silences.contains("pci_bus_id"), "\(silences)")
            let shown = try await browser.wait(
                for: "the row's labels",
                #"const c = document.querySelector('#alerts-table tr[data-rule="gpu_memory_critical"] td.labels'); return c ? c.textContent : null;"#)
            #expect(shown as? String == #"gpu="0""#)
            let chip = try await browser.wait(
                for: "the row marked silenced",
                #"const r = document.querySelector('#alerts-table tr[data-rule="gpu_memory_critical"] .chip'); return r ? r.textContent : null;"#)
            #expect((chip as? String)?.hasPrefix("silenced") == true)
            #expect(try await browser.consoleEntries().filter { $0.level == "SEVERE" && !$0.message.contains("401") }.isEmpty)
            await browser.quit()
        }

        @Test("the range buttons redraw the charts over 15 m, 24 h, 7 d and 30 d from the history, and the choice survives a reload")
        func ranges() async throws {
            let directory = try TemporaryDirectory()
            let (daemon, browser, port) = try await Self.open(directory)
            defer { daemon.signal(SIGTERM) }
            for (seconds, label) in [(900, "15m"), (86400, "24h"), (604_800, "7d"), (2_592_000, "30d")] {
                try await browser.click("[data-range=\"\(seconds)\"]")
                let span = try await browser.wait(
                    for: "the \(label) window",
                    """
                    const c = window.headroom.state.charts.get('gpu-mem-0'); if (!c) return null;
                    const [start, end] = c.graph.xAxisRange(); const span = (end - start) / 1000;
                    return Math.abs(span - \(seconds)) < \(seconds) * 0.05 ? span : null;
                    """)
                #expect(abs((span as? Double ?? 0) - Double(seconds)) < Double(seconds) * 0.05)
                #expect(try await browser.run("return document.querySelector('[data-range=\"\(seconds)\"]').getAttribute('aria-pressed')") as? String == "true")
            }
            try await browser.open("http://127.0.0.1:\(port)/")
            _ = try await browser.wait(for: "the page again", "return window.headroom && window.headroom.rendered() ? true : null")
            #expect(try await browser.run("return window.headroom.state.range") as? Int == 2_592_000)
            #expect(try await browser.consoleEntries().filter { $0.level == "SEVERE" }.isEmpty)
            await browser.quit()
        }

        @Test("a browser that prefers Chinese gets the page in Simplified Chinese, the switch brings English back, and a dark system scheme darkens it")
        func chinese() async throws {
            let directory = try TemporaryDirectory()
            let (daemon, browser, _) = try await Self.open(directory, language: "zh-CN", height: 1400)
            defer { daemon.signal(SIGTERM) }
            #expect(try await browser.run("return document.querySelector('#alerts-section h2').textContent") as? String == "正在触发的告警")
            #expect(try await browser.run("return document.documentElement.lang") as? String == "zh-CN")
            let path = try Self.save(try await browser.screenshot(), "dashboard-zh.png")
            try await browser.click("#lang")
            #expect(try await browser.run("return document.querySelector('#alerts-section h2').textContent") as? String == "Firing alerts")
            try await browser.prefersColorScheme("dark")
            let dark = try await browser.wait(
                for: "the dark scheme",
                "const c = getComputedStyle(document.body).backgroundColor; return c === 'rgb(15, 18, 22)' ? c : null;")
            #expect(dark as? String == "rgb(15, 18, 22)")
            // The charts are drawn again in the dark scheme's colours.
            _ = try await browser.wait(
                for: "the charts redrawn", "return window.headroom.charts().some(c => c.id === 'gpu-mem-0' && c.rows >= 1) ? true : null")
            let darkPath = try Self.save(try await browser.screenshot(), "dashboard-dark.png")
            #expect(try await browser.consoleEntries().filter { $0.level == "SEVERE" }.isEmpty)
            print("dashboard screenshots: \(path) \(darkPath)")
            await browser.quit()
        }
    }
}
