import ArgumentParser
import Foundation
import HeadroomConfig
import HeadroomCore
import HeadroomHistory
import HeadroomNotify

/// `headroom history`: what the recorded history says happened — alert changes, notification
/// outcomes and incidents — read from the file directly, so it works while the daemon is down.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show the alerts, notifications and incidents recorded in a time range.",
        discussion: """
            Reads history.db in the state directory (or history.path) — the daemon need not run. \
            Times are RFC 3339 (2026-12-04T03:00:00Z), Unix seconds, or a duration before now (6h, 2d). \
            --format json prints the array /api/v1/alerts/history answers. Exits 1 when there is no \
            history file.

            EXAMPLES
              headroom history
              headroom history --from 24h --category incident
              headroom history --from 2026-12-04T02:00:00Z --to 2026-12-04T04:00:00Z --format json | jq '.[] | select(.kind == "cuda_oom")'
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }
    enum Category: String, ExpressibleByArgument, CaseIterable { case alert, notification, incident }

    @Option(name: .shortAndLong, help: "Configuration file (for state_dir and history.path).")
    var config: String?

    @Option(help: "Start of the range: RFC 3339, Unix seconds, or a duration before now.")
    var from: String = "6h"

    @Option(help: "End of the range (default: now).")
    var to: String?

    @Option(help: "Only this category: alert, notification or incident.")
    var category: Category?

    @Option(help: "text or json.")
    var format: Format = .text

    func run() throws {
        let now = Date()
        let start = try HistoryFile.time(from, "--from", now: now)
        let end = try to.map { try HistoryFile.time($0, "--to", now: now) } ?? now
        let (configuration, source) = try HistoryFile.configuration(config)
        let path = try HistoryFile.path(of: configuration, source, missing: 1)
        var events: [HistoryEvent]
        do {
            events = try HistoryStore(path: path).events(from: start, to: end)
        } catch {
            printError("cannot read \(path): \(error)")
            throw ExitCode(1)
        }
        if let category { events = events.filter { $0.category.rawValue == category.rawValue } }
        switch format {
        case .json:
            print(HistoryEventJSON.encode(events))
        case .text:
            if events.isEmpty { print("nothing recorded from \(RFC3339.format(start)) to \(RFC3339.format(end))") }
            for event in events { print(Self.line(event)) }
        }
    }

    /// `2026-12-04T03:01:07.250+08:00  incident      cuda_oom  {command="python run.py"}  torch.OutOfMemoryError: …`
    static func line(_ event: HistoryEvent) -> String {
        var parts = [RFC3339.format(event.time), event.category.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)]
        switch event.category {
        case .alert:
            parts.append("\(event.rule ?? "") \(event.kind) (\(event.severity?.rawValue ?? ""))")
        case .notification:
            parts.append("\(event.rule ?? "") \(event.kind) → \(event.channel ?? ""): \(event.outcome?.rawValue ?? "")")
        case .incident:
            parts.append(event.kind)
        }
        if !event.labels.isEmpty { parts.append(event.labels.shown.description) }
        if !event.detail.isEmpty { parts.append(event.detail) }
        return parts.joined(separator: "  ")
    }
}
