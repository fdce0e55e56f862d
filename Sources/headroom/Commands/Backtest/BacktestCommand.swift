import ArgumentParser
import Foundation
import HeadroomConfig
import HeadroomCore
import HeadroomDaemon
import HeadroomHistory
import HeadroomNotify

/// `headroom backtest`: replays the recorded past through a configuration's rules, as the
/// daemon would have lived it, and says which incidents each rule warned of and how early.
struct BacktestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Replay recorded history through a configuration's rules: what it would have sent, and how early it warned.",
        discussion: """
            Replays every recorded round from --from to --to through the rules of --config (the same \
            engine, holds, hysteresis, flapping, inhibition and trends as the daemon) and reports, per \
            rule, the notifications it would have sent and the time it spent firing, and for every \
            incident (container OOM kill, child crash, CUDA out of memory, lost GPU, hardware Xid) which \
            rules warned before it and how early. --against puts a second configuration beside it: the \
            tool for tuning thresholds. A rule warned when it sent a firing notification within --window \
            before the incident.

            --source local reads history.db in the state directory (or history.path); --source \
            http(s)://host:9090 reads range data from a Prometheus-API server (Prometheus, \
            VictoriaMetrics): Headroom's own headroom_* series, or dcgm-exporter's DCGM_FI_DEV_* \
            mapped to Headroom's names, each host's apart (alerts and incidents carry the instance \
            and job labels). --ca-file, --cert-file and --key-file reach an https server with a \
            private CA or client certificates.

            Exits 0 when every incident was warned of, 1 when one was missed, 2 on bad input.

            EXAMPLES
              headroom backtest --from 24h
              headroom backtest --config /etc/headroom/headroom.yaml --against stricter.yaml --format json
              headroom backtest --source http://prometheus:9090 --from 2026-12-03T00:00:00Z --to 2026-12-04T00:00:00Z
              headroom backtest --source https://prometheus:9090 --ca-file ca.pem --cert-file me.pem --key-file me.key
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(name: .shortAndLong, help: "Configuration whose rules are replayed (default: as the daemon finds it).")
    var config: String?

    @Option(help: "Start: RFC 3339, Unix seconds, or a duration before now.")
    var from: String = "24h"

    @Option(help: "End (default: now).")
    var to: String?

    @Option(help: "local, or the URL of a Prometheus-API server.")
    var source: String = "local"

    @OptionGroup var tls: ClientTLSOptions

    @Option(help: "A second configuration to compare with.")
    var against: String?

    @Option(help: "How long before an incident a firing notification counts as its warning.")
    var window: String = "1h"

    @Option(help: "text or json.")
    var format: Format = .text

    func run() async throws {
        let now = Date()
        let start = try HistoryFile.time(from, "--from", now: now)
        let end = try to.map { try HistoryFile.time($0, "--to", now: now) } ?? now
        guard start < end else {
            printError("--from must be before --to")
            throw ExitCode(2)
        }
        guard let windowDuration = HumanDuration.parse(window), windowDuration > .zero else {
            printError("--window \(window) is not a duration such as 30m or 1h")
            throw ExitCode(2)
        }
        let tlsSettings = try tls.settings()
        let main = try HistoryFile.configuration(config)
        let other = try against.map { try HistoryFile.configuration($0) }
        var configurations = [(rules: main.configuration.rules, policy: main.configuration.policy)]
        if let other { configurations.append((other.configuration.rules, other.configuration.policy)) }

        let reports: [BacktestReport]
        do {
            if source == "local" {
                let path = try HistoryFile.path(of: main.configuration, main.source, missing: 2)
                let store = try HistoryStore(path: path)
                reports = try await Backtest.run(configurations, source: HistoryReplaySource(store: store), from: start, to: end, window: windowDuration)
            } else if source.hasPrefix("http://") || source.hasPrefix("https://") {
                let remote = try PrometheusReplaySource(
                    url: source, interval: main.configuration.interval, rules: configurations.flatMap(\.rules),
                    tls: tlsSettings)
                reports = try await Backtest.run(configurations, source: remote, from: start, to: end, window: windowDuration)
            } else {
                printError("--source \(source) is neither local nor an http(s):// URL of a Prometheus-API server")
                throw ExitCode(2)
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            printError("cannot replay the history: \(error)")
            throw ExitCode(2)
        }
        let report = reports[0]
        switch format {
        case .json:
            print(BacktestJSON.encode(report, against: other.map { _ in (against ?? "", reports[1]) }))
        case .text:
            print(BacktestText.render(report, title: main.source.describe, against: against.map { ($0, reports[1]) }))
        }
        if !report.missed.isEmpty { throw ExitCode(1) }
    }
}
