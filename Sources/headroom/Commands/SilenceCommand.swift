import ArgumentParser
import Foundation
import HeadroomConfig
import HeadroomCore
import HeadroomDaemon
import HeadroomNotify

/// `headroom silence add|list|expire`: silences kept in the state directory, which the
/// running daemon reads again whenever the file changes.
struct SilenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silence",
        abstract: "Mute matching notifications for a while (stored in the state directory).",
        discussion: """
            Matchers: NAME=VALUE, NAME!=VALUE, NAME=~REGEX, NAME!~REGEX on alertname (the rule), severity, \
            metric, host or any alert label. A silence needs at least one matcher and matches when all do. \
            A resolved notification whose firing was delivered is still sent (delivery.resolved_after_silence).

            EXAMPLES
              headroom silence add alertname=gpu_memory_high gpu=0 --duration 2h --comment "model reload"
              headroom silence list
              headroom silence expire 6f1c2a9e
            """,
        subcommands: [Add.self, List.self, Expire.self]
    )

    struct Location: ParsableArguments {
        @Option(name: .shortAndLong, help: "Configuration file (for state_dir).")
        var config: String?

        func store() throws -> SilenceStore {
            let source = ConfigurationSource(explicitPath: config)
            switch source.load() {
            case .failure(let errors):
                printError("\(source.describe): invalid configuration:\n\(errors.description)")
                throw ExitCode(2)
            case .success(let loaded):
                let directory = StateDirectory.resolve(
                    configured: loaded.configuration.delivery.stateDirectory,
                    environment: source.environment, isRoot: getuid() == 0)
                return SilenceStore(stateDirectory: directory)
            }
        }
    }

    /// How long the command's work in the state directory may take: far above a slow disk's
    /// seconds, short enough for a person at a terminal or a deploy script silencing before a
    /// restart.
    static let patience: Duration = .seconds(10)

    /// Runs `body` (which reads or changes `store`'s file, or waits for its lock) under a
    /// deadline: a disk that does not answer (a hard network mount whose server went away)
    /// ends the command with one line naming state_dir and exit 1, as an unusable file does,
    /// instead of hanging for good. `_exit`: the call still hangs, and exit's handlers could
    /// wait on it.
    static func onDisk<T>(_ store: SilenceStore, _ what: String, _ body: (SilenceStore) throws -> T) throws -> T {
        let deadline = StartupDeadline(directory: store.directory, patience: patience, clock: SystemClock()) { failure in
            printError("headroom: \(failure)")
            _exit(1)
        }
        defer { deadline.finish() }
        return try deadline.step("\(what) \(store.path)") { try body(store) }
    }

    /// Runs `body`, turning a silence error into its message and exit code: 2 for what was
    /// typed, 1 for a missing silence or an unusable file.
    static func reporting<T>(_ body: () throws(SilenceError) -> T) throws -> T {
        do { return try body() } catch {
            printError(error.description)
            throw ExitCode(error.kind == .invalid ? 2 : 1)
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a silence; prints its id.")

        @Argument(help: "Matchers such as alertname=cpu_overload or gpu=~0|1.")
        var matchers: [String]

        @Option(help: "How long it lasts (e.g. 30m, 2h, 1d).")
        var duration: String = "1h"

        @Option(help: "Why (shown by list).")
        var comment: String = ""

        @OptionGroup var location: Location

        func run() throws {
            let now = Date()
            let user = ProcessInfo.processInfo.environment["USER"] ?? "unknown"
            let silence = try SilenceCommand.reporting { () throws(SilenceError) in
                try SilenceChange.silence(
                    matchers: matchers, duration: duration, comment: comment, createdBy: user,
                    id: SilenceChange.newID(), at: now
                ).get()
            }
            _ = try SilenceCommand.onDisk(try location.store(), "changing") { store in
                try SilenceCommand.reporting { () throws(SilenceError) in try store.add(silence, at: now) }
            }
            print(silence.id)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the active silences.")

        @OptionGroup var location: Location

        func run() throws {
            let now = Date()
            let active = try SilenceCommand.onDisk(try location.store(), "reading") { store in
                try SilenceCommand.reporting { () throws(SilenceError) in try store.running(at: now) }
            }
            if active.isEmpty {
                print("no active silences")
                return
            }
            for silence in active {
                let left = HumanDuration.format(seconds: silence.endsAt.timeIntervalSince(now))
                print(
                    "\(silence.id)  \(silence.matchers.map(\.description).joined(separator: " "))  ends \(RFC3339.format(silence.endsAt)) (in \(left))  by \(silence.createdBy)\(silence.comment.isEmpty ? "" : "  # \(silence.comment)")"
                )
            }
        }
    }

    struct Expire: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End a silence now.")

        @Argument(help: "The silence id (as printed by add and list).")
        var id: String

        @OptionGroup var location: Location

        func run() throws {
            _ = try SilenceCommand.onDisk(try location.store(), "changing") { store in
                try SilenceCommand.reporting { () throws(SilenceError) in try store.expire(id, at: Date()) }
            }
            print("expired \(id)")
        }
    }
}
