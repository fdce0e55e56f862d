import ArgumentParser
import Foundation
import HeadroomCollectors
import HeadroomConfig
import HeadroomCore
import HeadroomNotify
import HeadroomTop

/// `headroom top`: the dashboard's picture in a terminal.
struct TopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "Watch the GPUs, their processes, the host and the firing alerts in the terminal.",
        discussion: """
            Reads the running daemon's API (--url; by default the configuration's server.listen on \
            loopback, http://127.0.0.1:19400). When nothing answers there it says so in the header and \
            samples this host itself with the same collectors, checking the rules' thresholds without \
            their holds. Sparklines come from the daemon's history (or, without one, from what was \
            seen since start). Works over SSH, from 40×10 up; NO_COLOR or --no-color draws without \
            colour.

            KEYS
              q Ctrl-C          quit
              s / m p c g / i   cycle the sort / memory, PID, command, GPU / invert
              Tab → ⇧Tab ←      next / previous GPU; 0-9 that GPU; a or Esc all GPUs
              r + / R -         longer / shorter range (5m 15m 1h 6h 24h)
              ↑ ↓ PgUp PgDn     scroll the processes; Home / End: the first / last
              Ctrl-Z Ctrl-L     suspend (fg comes back); redraw
              ?                 help

            EXAMPLES
              headroom top
              headroom top --url http://10.0.0.7:19400 --range 1h
              headroom top --url https://gpu-01:19400 --ca-file ca.pem --cert-file me.pem --key-file me.key
              headroom top --once --no-color > frame.txt
            """
    )

    @Option(name: .shortAndLong, help: "Configuration file (server.listen for the URL, the collectors when sampling here, the rules' marks).")
    var config: String?

    @Option(help: "The daemon's base URL (default: from server.listen, http://127.0.0.1:19400).")
    var url: String?

    @OptionGroup var tls: ClientTLSOptions

    @Option(name: .shortAndLong, help: "Seconds between redraws (default: the daemon's interval, else 2).")
    var interval: Double?

    @Option(help: "Sparkline range: 5m, 15m, 1h, 6h or 24h.")
    var range: String = "15m"

    @Flag(help: "Print one frame to standard output and exit.")
    var once = false

    @Flag(help: "No colour (also when NO_COLOR is set or the output is not a terminal).")
    var noColor = false

    func run() async throws {
        guard let range = TopRange(text: range) else {
            printError("--range \"\(range)\" is not one of 5m, 15m, 1h, 6h, 24h")
            throw ExitCode(2)
        }
        if let interval, !(0.2...3600).contains(interval) {
            printError("--interval \(interval) must be between 0.2 and 3600 seconds")
            throw ExitCode(2)
        }
        let source = ConfigurationSource(explicitPath: config)
        let loaded: LoadedConfiguration
        switch source.load() {
        case .failure(let errors):
            printError("\(source.describe): invalid configuration:\n\(errors.description)")
            throw ExitCode(2)
        case .success(let value):
            loaded = value
        }
        let server = loaded.configuration.server
        let baseURL = url ?? DaemonURL.from(listen: server.listen, https: server.tls != nil)
        if let problem = DaemonURL.problem(baseURL) {
            printError(problem)
            throw ExitCode(2)
        }
        let tlsSettings = try tls.settings()
        let environment = ProcessInfo.processInfo.environment
        let color = !noColor && environment["NO_COLOR", default: ""].isEmpty && environment["TERM"] != "dumb" && isatty(STDOUT_FILENO) != 0
        let session = TopSession(
            client: DaemonClient(baseURL: baseURL, tls: tlsSettings),
            collectors: loaded.configuration.collectors, rules: loaded.configuration.rules, interval: interval)
        if once {
            let frame = await session.refresh(range: range, settle: true)
            let (width, height) = Self.onceSize(environment)
            // The screen's blank filler rows are left out; without colour, trailing spaces too.
            let lines = TopLayout.render(frame, state: TopState(range: range), width: width, height: height, color: color)
                .map { line in color ? line : String(line.reversed().drop { $0 == " " }.reversed()) }
                .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            print(lines.joined(separator: "\n"))
            return
        }
        let terminal: Terminal
        do { terminal = try Terminal() } catch {
            printError(error.description)
            throw ExitCode(2)
        }
        defer { terminal.restore() }
        try await Self.loop(session: session, terminal: terminal, state: TopState(range: range), color: color)
    }

    /// Draws, then waits for a key, a resize or the next interval, until `q` or a signal.
    private static func loop(session: TopSession, terminal: Terminal, state initial: TopState, color: Bool) async throws {
        var state = initial
        var frame = await session.refresh(range: state.range, settle: false)
        var next = Date().timeIntervalSince1970 + frame.interval
        while !state.quit {
            frame.range = state.range
            let (width, height) = terminal.size
            let screen = TopLayout.layout(frame, state: state, width: width, height: height)
            state.scroll = min(state.scroll, screen.maximumScroll)
            if !terminal.suspended { terminal.draw(screen.render(width: width, color: color)) }
            switch terminal.wait(next - Date().timeIntervalSince1970) {
            case .input(let bytes):
                for key in TopKey.decode(bytes) {
                    switch state.handle(key, gpus: frame.model.gpus.map(\.index)) {
                    case .refetchHistory: frame = await session.refresh(range: state.range, settle: false, historyOnly: true)
                    case .suspend: terminal.suspend()
                    case .redrawAll: terminal.clear()
                    case .redraw, .quit: break
                    }
                }
            case .resized:
                // Rows of the old size may stay behind when the terminal shrinks or grows.
                if !terminal.suspended { terminal.clear() }
            case .resumed:
                terminal.resume()
            case .terminate:
                state.quit = true
            case .timeout:
                frame = await session.refresh(range: state.range, settle: false)
                next = max(next + frame.interval, Date().timeIntervalSince1970 + 0.1)
            }
        }
    }

    /// The frame size for --once: the terminal's, else $COLUMNS×$LINES, else 80×24.
    private static func onceSize(_ environment: [String: String]) -> (Int, Int) {
        if isatty(STDOUT_FILENO) != 0, let size = Terminal.windowSize() { return size }
        let width = environment["COLUMNS"].flatMap { Int($0) } ?? 80
        let height = environment["LINES"].flatMap { Int($0) } ?? 24
        return (max(TopLayout.minimumWidth, width), max(TopLayout.minimumHeight, height))
    }
}
