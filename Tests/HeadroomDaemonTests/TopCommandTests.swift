import Foundation
import HeadroomCore
import HeadroomNotify
import HeadroomTesting
import Testing

extension ProcessTests {
    /// `headroom top` in a real terminal: tmux runs it against the real daemon reading the
    /// fake driver (two GPUs, two processes on the first), the test types keys and reads the
    /// screen.
    @Suite("headroom top")
    struct TopCommandTests {
        static let scenario = """
            gpus 2
            gpu 0 name NVIDIA L4
            gpu 0 total 25769803776
            gpu 0 used 20401094656
            gpu 0 reserved 536870912
            gpu 0 util 87
            gpu 0 temp 86
            gpu 0 reasons 0x40
            pname 4242 /usr/bin/python3
            pname 4343 /opt/triton/bin/tritonserver
            gpu 0 procs 4242:12884901888 4343:6442450944
            gpu 1 name NVIDIA A100-SXM4-80GB
            gpu 1 total 85899345920
            gpu 1 used 1073741824
            """

        /// A daemon on a free port sampling the fake GPUs every 250 ms.
        final class Daemon {
            let fake: FakeNVML
            let directory: TemporaryDirectory
            let process: HeadroomProcess
            private(set) var url = ""

            init() throws {
                fake = try FakeNVML(scenario: TopCommandTests.scenario)
                directory = try TemporaryDirectory()
                let config = try directory.write("headroom.yaml", "interval: 250ms\ncollectors:\n  nvml_library: \(fake.libraryPath)\n")
                process = try HeadroomProcess(["run", "--config", config])
            }

            func start() async throws -> Daemon {
                url = "http://127.0.0.1:\(try await process.servingPort())"
                return self
            }
        }

        static func daemon() async throws -> Daemon {
            try await Daemon().start()
        }

        /// `headroom top ARGS` in sh, which then prints the exit status and whether the
        /// terminal is back in canonical mode with echo, and stays (the tmux server ends it).
        static func command(_ arguments: String) -> String {
            "'\(HeadroomProcess.executable.path)' top \(arguments); echo \"exit=$?\"; stty -a | tr ' ' '\\n' | grep -x -e '-\\?icanon' -e '-\\?echo'; sleep 600"
        }

        static func status(_ url: String) async throws -> [String: Any] {
            let response = try await LiveHTTPTransport().send(
                HTTPRequest(method: "GET", url: url + "/api/v1/status"), tls: TLSSettings(), timeout: .seconds(5))
            return try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        }

        /// GPU 0's memory as the daemon reports it: allocations plus the driver's reserve, of the total.
        static func memoryFigures(_ status: [String: Any]) throws -> String {
            let samples = try #require(status["samples"] as? [[String: Any]])
            func value(_ name: String) throws -> Double {
                let sample = try #require(samples.first { $0["name"] as? String == name && ($0["labels"] as? [String: String])?["gpu"] == "0" })
                return try #require(sample["value"] as? Double)
            }
            let gib = 1_073_741_824.0
            let taken = try value("gpu_memory_used_bytes") + value("gpu_memory_reserved_bytes")
            return String(format: "%.1f/%.1f GiB", taken / gib, try value("gpu_memory_total_bytes") / gib)
        }

        @Test("80×24 against the daemon: the GPUs with the daemon's figures, processes, sparklines; keys sort, pick, change the range and quit")
        func daemonAt80x24() async throws {
            let daemon = try await Self.daemon()
            defer { daemon.process.signal(SIGKILL) }
            // The daemon serves before its first round is in: wait for GPU 0's figures.
            let first = try await poll("a round with GPU 0 in /api/v1/status") { () async throws -> [String: Any]? in
                let status = try await Self.status(daemon.url)
                let samples = status["samples"] as? [[String: Any]] ?? []
                let total = samples.contains { $0["name"] as? String == "gpu_memory_total_bytes" && ($0["labels"] as? [String: String])?["gpu"] == "0" }
                return total ? status : nil
            }
            let figures = try Self.memoryFigures(try #require(first))
            #expect(figures == "19.5/24.0 GiB")
            let tmux = try Tmux(Self.command("--url \(daemon.url) --interval 0.5"))
            // The whole first frame, down to its key line: a capture can land while a frame is
            // still being written.
            let screen = try await tmux.waitFor("the first frame") {
                $0.contains { $0.contains("NVIDIA L4") } && $0.contains { $0.contains("tritonserver") } && $0.count >= 24 && $0[23].contains("q quit")
            }
            #expect(screen[0].contains("headroom top") && screen[0].contains("range 15m"))
            #expect(screen[1].contains("daemon \(daemon.url)"))
            let gpu = try #require(screen.firstIndex { $0.hasPrefix(" 0 NVIDIA L4") })
            #expect(screen[gpu].contains("util  87%") && screen[gpu].contains("86°C"))
            #expect(screen[gpu + 1].contains(figures + "  81%"))
            #expect(screen.contains { $0.hasPrefix(" 1 A100-SXM4-80GB ") }, "the vendor's prefix goes before the model is cut")
            let title = try #require(screen.firstIndex { $0.contains("GPU-MEM▼") })
            #expect(screen[title + 1].contains("4242") && screen[title + 1].contains("12.0 GiB") && screen[title + 1].hasSuffix("python3"))
            #expect(screen[title + 2].contains("4343") && screen[title + 2].hasSuffix("tritonserver"))
            #expect(screen.count >= 24 && screen[23].contains("q quit"))
            // The sparklines fill as rounds arrive: at least one level block on GPU 0's line.
            try await tmux.waitFor("a sparkline") { lines in
                lines.first { $0.hasPrefix(" 0 NVIDIA L4") }?.contains { "▁▂▃▄▅▆▇█".contains($0) } == true
            }

            try tmux.send("p")
            let byPID = try await tmux.waitFor("the PID sort") { $0.contains { $0.contains("PID▲") } }
            let sorted = try #require(byPID.firstIndex { $0.contains("PID▲") })
            #expect(byPID[sorted + 1].contains("4242") && byPID[sorted + 2].contains("4343"))
            try tmux.send("i")
            let inverted = try await tmux.waitFor("the PID sort inverted") { $0.contains { $0.contains("PID▼") } }
            let title2 = try #require(inverted.firstIndex { $0.contains("PID▼") })
            #expect(inverted[title2 + 1].contains("4343"))

            try tmux.send("Tab", "Tab")
            let picked = try await tmux.waitFor("GPU 1 picked") { $0.contains { $0.hasPrefix("▶1 A100-SXM4-80GB") } }
            #expect(picked.contains { $0.contains("0 on GPU 1") })
            #expect(picked.contains { $0.contains("no process holds memory on GPU 1") })
            try tmux.send("0")
            try await tmux.waitFor("GPU 0 picked") { $0.contains { $0.hasPrefix("▶0 NVIDIA L4") } && $0.contains { $0.contains("2 on GPU 0") } }

            try tmux.send("r")
            try await tmux.waitFor("the 1h range") { $0[0].contains("range 1h") }
            try tmux.send("-", "-")
            try await tmux.waitFor("the 5m range") { $0[0].contains("range 5m") }

            try tmux.send("?")
            try await tmux.waitFor("the help") { $0.contains { $0.contains("cycle the process sort") } }
            try tmux.send("Escape")
            try await tmux.waitFor("the help closed") { !$0.contains { $0.contains("cycle the process sort") } }

            try tmux.send("q")
            let after = try await tmux.waitFor("the exit") { $0.contains("exit=0") && $0.contains { $0.hasSuffix("echo") } }
            #expect(!after.contains { $0.contains("NVIDIA L4") }, "the alternate screen is gone")
            #expect(after.contains("icanon") && after.contains("echo"), "canonical mode and echo are back: \(after)")
        }

        @Test("no daemon at the URL: says so and samples the fake GPU itself; Ctrl-C quits and restores the terminal")
        func noDaemon() async throws {
            let fake = try FakeNVML(scenario: Self.scenario)
            let directory = try TemporaryDirectory()
            let config = try directory.write("headroom.yaml", "collectors:\n  nvml_library: \(fake.libraryPath)\n")
            // A port nothing listens on: bound, then closed.
            let url = "http://127.0.0.1:\(try freeLoopbackPort())"
            let tmux = try Tmux(Self.command("--config \(config) --url \(url) --interval 0.5"))
            let screen = try await tmux.waitFor("the local frame") { $0.contains { $0.contains("NVIDIA L4") } && $0.contains { $0.contains("python3") } }
            #expect(screen[1].contains("no daemon at \(url) (connection refused): sampling here"))
            #expect(screen.contains { $0.contains("19.5/24.0 GiB  81%") })
            #expect(screen.contains { $0.contains("WARN gpu_memory_high gpu=0") }, "the rules' thresholds checked here")
            try tmux.send("C-c")
            let after = try await tmux.waitFor("the exit") { $0.contains("exit=0") && $0.contains { $0.hasSuffix("echo") } }
            #expect(after.contains("icanon") && after.contains("echo"))
        }

        @Test("120×40: the full GPU names, longer sparklines and bars; SIGTERM restores the terminal")
        func wide() async throws {
            let daemon = try await Self.daemon()
            defer { daemon.process.signal(SIGKILL) }
            let tmux = try Tmux(Self.command("--url \(daemon.url) --interval 0.5"), width: 120, height: 40)
            let screen = try await tmux.waitFor("the first frame, down to its key line") {
                $0.contains { $0.contains("tritonserver") } && $0.count >= 40 && $0[39].contains("q quit")
            }
            #expect(screen.contains { $0.hasPrefix(" 1 NVIDIA A100-SXM4-80GB ") })
            let bar = try #require(screen.first { $0.hasPrefix("   mem [") })
            #expect(bar.count > 100)
            #expect(screen.count >= 40 && screen[39].contains("q quit"))
            let pid = try tmux.run(["display-message", "-p", "-t", "top", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
            // The pane runs sh; headroom is its child (found through /proc, no procps needed).
            let shell = try #require(Int32(pid))
            let child = try #require(try Self.children(of: shell).first)
            kill(child, SIGTERM)
            let after = try await tmux.waitFor("the exit") { $0.contains("exit=0") && $0.contains { $0.hasSuffix("echo") } }
            #expect(after.contains("icanon") && after.contains("echo"))
        }

        @Test("NO_COLOR: no colour attribute on screen and no escape sequence but cursor and screen control in what was written")
        func noColor() async throws {
            let daemon = try await Self.daemon()
            defer { daemon.process.signal(SIGKILL) }
            let directory = try TemporaryDirectory()
            let log = directory.url.appendingPathComponent("pane.log").path
            // sh waits for Enter so the pipe is in place before headroom writes its first byte.
            let tmux = try Tmux("read go; " + Self.command("--url \(daemon.url) --interval 0.5"), environment: ["NO_COLOR": "1"])
            try tmux.run(["pipe-pane", "-o", "-t", "top", "cat > '\(log)'"])
            try tmux.send("Enter")
            try await tmux.waitFor("the first frame") { $0.contains { $0.contains("tritonserver") } }
            let styled = try tmux.screen(escapes: true).joined(separator: "\n")
            #expect(!styled.contains("\u{1B}["), "capture-pane -e shows attributes as SGR: none expected")
            try tmux.send("q")
            try await tmux.waitFor("the exit") { $0.contains("exit=0") && $0.contains { $0.hasSuffix("echo") } }
            let written = try String(contentsOfFile: log, encoding: .utf8)
            let sequences = Set(written.matches(of: /\x1B\[[0-9;?]*[A-Za-z]/).map { String($0.output) })
            let allowed = /\x1B\[(\?1049[hl]|\?25[hl]|\?2026[hl]|2J|\d+;1H)/
            #expect(!sequences.isEmpty)
            #expect(sequences.allSatisfy { $0.wholeMatch(of: allowed) != nil }, "\(sequences.sorted())")

            // With colour (the same terminal, no NO_COLOR), the screen has attributes.
            let colored = try Tmux(Self.command("--url \(daemon.url) --interval 0.5"))
            try await colored.waitFor("the first frame") { $0.contains { $0.contains("tritonserver") } }
            let colors = try colored.screen(escapes: true).joined(separator: "\n")
            #expect(colors.contains("\u{1B}["), "\(colors)")
            try colored.send("q")
            try await colored.waitFor("the exit") { $0.contains("exit=0") && $0.contains { $0.hasSuffix("echo") } }
        }

        @Test("--once prints one frame at the terminal's width without escape sequences when piped")
        func once() async throws {
            let daemon = try await Self.daemon()
            defer { daemon.process.signal(SIGKILL) }
            let (status, stdout, stderr) = try await HeadroomProcess.run(["top", "--once", "--url", daemon.url], environment: ["COLUMNS": "100"])
            #expect(status == 0, "\(stderr)")
            let lines = stdout.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix(" headroom top") == true)
            #expect(lines.contains { $0.hasPrefix(" 0 NVIDIA L4") })
            #expect(lines.contains { $0.contains("tritonserver") })
            #expect(lines.last?.hasPrefix(" q quit") == true)
            #expect(lines.allSatisfy { $0.count <= 100 })
            #expect(!stdout.contains("\u{1B}"))
        }

        @Test("https with client certificates: --ca-file, --cert-file and --key-file reach a daemon that asks for them")
        func mutualTLS() async throws {
            let tls = try await TLSFixture.shared.get()
            let fake = try FakeNVML(scenario: Self.scenario)
            let directory = try TemporaryDirectory()
            let config = try directory.write(
                "headroom.yaml",
                """
                interval: 250ms
                collectors:
                  nvml_library: \(fake.libraryPath)
                server:
                  tls: {cert_file: \(tls.serverCertificate), key_file: \(tls.serverKey), client_ca_file: \(tls.caCertificate)}
                """)
            let daemon = try HeadroomProcess(["run", "--config", config])
            defer { daemon.signal(SIGKILL) }
            let url = try await daemon.servingURL()
            #expect(url.hasPrefix("https://"))
            let (status, stdout, stderr) = try await HeadroomProcess.run(
                ["top", "--once", "--url", url, "--ca-file", tls.caCertificate, "--cert-file", tls.clientCertificate, "--key-file", tls.clientKey])
            #expect(status == 0, "\(stderr)")
            #expect(stdout.contains(" daemon \(url)"), "\(stdout)")
            #expect(stdout.contains("tritonserver"))
            // Without the client certificate the daemon refuses; top says so and samples here.
            let (_, refused, _) = try await HeadroomProcess.run(["top", "--once", "--url", url, "--ca-file", tls.caCertificate])
            #expect(refused.contains("no daemon at \(url)"), "\(refused)")
            let (code, _, message) = try await HeadroomProcess.run(["top", "--once", "--url", url, "--cert-file", tls.clientCertificate])
            #expect(code == 2)
            #expect(message.contains("--cert-file and --key-file go together"))
        }

        @Test("the daemon goes away: the header says so and the view samples here; it comes back: the daemon again")
        func daemonGoesAway() async throws {
            let fake = try FakeNVML(scenario: Self.scenario)
            let directory = try TemporaryDirectory()
            let port = try freeLoopbackPort()
            let config = try directory.write(
                "headroom.yaml", "interval: 250ms\ncollectors:\n  nvml_library: \(fake.libraryPath)\nserver:\n  listen: 127.0.0.1:\(port)\n")
            let url = "http://127.0.0.1:\(port)"
            var daemon = try HeadroomProcess(["run", "--config", config], environment: ["HEADROOM_SERVER_LISTEN": "127.0.0.1:\(port)"])
            _ = try await daemon.servingPort()
            let tmux = try Tmux(Self.command("--config \(config) --interval 0.3"))
            try await tmux.waitFor("the daemon's frame") { $0[1].contains("daemon \(url)") && $0.contains { $0.contains("tritonserver") } }
            daemon.signal(SIGKILL)
            _ = try await daemon.wait()
            let alone = try await tmux.waitFor("sampling here") { $0[1].contains("no daemon at \(url)") }
            try await tmux.waitFor("the fake GPU sampled here") { $0.contains { $0.contains("NVIDIA L4") } && $0.contains { $0.contains("tritonserver") } }
            #expect(alone[0].contains("headroom top"))
            daemon = try HeadroomProcess(["run", "--config", config], environment: ["HEADROOM_SERVER_LISTEN": "127.0.0.1:\(port)"])
            defer { daemon.signal(SIGKILL) }
            _ = try await daemon.servingPort()
            try await tmux.waitFor("the daemon again") { $0[1].contains("daemon \(url)") }
            try tmux.send("q")
            try await tmux.waitFor("the exit") { $0.contains("exit=0") && $0.contains { $0.hasSuffix("echo") } }
        }

        @Test("a daemon without history: the sparklines hold what top saw, and the header says why")
        func historyOff() async throws {
            let fake = try FakeNVML(scenario: Self.scenario)
            let directory = try TemporaryDirectory()
            let config = try directory.write(
                "headroom.yaml", "interval: 250ms\ncollectors:\n  nvml_library: \(fake.libraryPath)\nhistory:\n  enabled: false\n")
            let daemon = try HeadroomProcess(["run", "--config", config])
            defer { daemon.signal(SIGKILL) }
            let url = "http://127.0.0.1:\(try await daemon.servingPort())"
            let tmux = try Tmux(Self.command("--url \(url) --interval 0.3"), width: 120, height: 30)
            let screen = try await tmux.waitFor("the frame") { $0[1].contains("history: since start") }
            #expect(screen[1].contains("(history is disabled; set history.enabled"), "\(screen[1])")
            try await tmux.waitFor("sparklines from the ring") { lines in
                lines.first { $0.hasPrefix(" 0 NVIDIA L4") }?.contains { "▁▂▃▄▅▆▇█".contains($0) } == true
            }
            try tmux.send("q")
            try await tmux.waitFor("the exit") { $0.contains("exit=0") && $0.contains { $0.hasSuffix("echo") } }
        }

        @Test("in an interactive shell: Ctrl-Z stops it and gives the shell the terminal, fg brings the view back")
        func suspend() async throws {
            let daemon = try await Self.daemon()
            defer { daemon.process.signal(SIGKILL) }
            // The test runner ignores SIGTSTP, and children inherit that: a login shell's would not.
            let tmux = try Tmux("exec env --default-signal=TSTP bash --norc --noprofile -i")
            try tmux.send("'\(HeadroomProcess.executable.path)' top --url \(daemon.url) --interval 0.3", "Enter")
            try await tmux.waitFor("the frame") { $0.contains { $0.contains("tritonserver") } }
            try tmux.send("C-z")
            try await tmux.waitFor("the job stopped") { $0.contains { $0.contains("Stopped") } && !$0.contains { $0.contains("tritonserver") } }
            try tmux.send("fg", "Enter")
            try await tmux.waitFor("the frame again") { $0.contains { $0.contains("tritonserver") } && $0[0].contains("headroom top") }
            try tmux.send("q")
            try await tmux.waitFor("the prompt") { !$0.contains { $0.contains("tritonserver") } }
            try tmux.send("stty -a | tr ' ' '\\n' | grep -x -e '-\\?icanon' -e '-\\?echo'; echo done", "Enter")
            let after = try await tmux.waitFor("stty's answer") { $0.contains("done") }
            #expect(after.contains("icanon") && after.contains("echo"), "\(after)")
        }

        /// The processes whose parent is `parent`, from /proc/*/stat.
        static func children(of parent: Int32) throws -> [Int32] {
            try FileManager.default.contentsOfDirectory(atPath: "/proc").compactMap { entry -> Int32? in
                guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                    let close = stat.lastIndex(of: ")")
                else { return nil }
                // "pid (comm) state ppid …": the command may hold spaces and parentheses.
                let fields = stat[stat.index(after: close)...].split(separator: " ")
                return fields.count > 2 && Int32(fields[1]) == parent ? pid : nil
            }
        }

    }
}
