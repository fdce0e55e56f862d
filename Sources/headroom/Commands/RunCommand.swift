import ServiceLifecycle
import HeadroomCollectors
import HeadroomNotify
import ArgumentParser
import CLinuxShims
import Foundation
import HeadroomConfig
import HeadroomConfigSyntax
import HeadroomCore
import HeadroomDaemon
import HeadroomServer
import Logging

/// `headroom run`: the daemon.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the daemon (the default command).",
        discussion: """
            Samples every `interval`, evaluates the rules and notifies the configured channels. \
            Logs go to standard error; console alerts to standard output. SIGHUP reloads the \
            configuration (an invalid file is rejected and the running configuration kept); \
            SIGTERM/SIGINT stop gracefully after flushing pending notifications.

            EXAMPLES
              headroom run
              headroom run --config ./headroom.yaml
              HEADROOM_INTERVAL=1s HEADROOM_CHANNELS=console,jsonlog headroom run

            ENTRYPOINT MODE
              headroom run [--restart on-failure] -- COMMAND ARGS…
            starts COMMAND as a child and supervises it: SIGTERM, SIGINT, SIGQUIT, SIGHUP, \
            SIGUSR1, SIGUSR2 and SIGWINCH are forwarded to it; zombies are reaped when Headroom \
            is PID 1; a crash raises the built-in child_crashed alert (exit code or signal, last \
            stderr lines); Headroom exits with the child's status (128 + N after signal N).
            """
    )

    @Option(help: "Entrypoint mode: restart the child after it exits: never, on-failure or always (backoff 1s doubling to 30s).")
    var restart: String = "never"

    @Option(name: .customLong("restart-max"), help: "Entrypoint mode: give up after this many consecutive restarts.")
    var restartMax: Int?

    @Option(name: .customLong("restart-delay"), help: "Entrypoint mode: seconds before the first restart; doubles per restart, at most 30.")
    var restartDelay: Double = 1

    @Argument(parsing: .postTerminator, help: "Entrypoint mode: the command to start and supervise, after --.")
    var command: [String] = []

    @Option(name: .shortAndLong, help: "Configuration file (default: $HEADROOM_CONFIG, then /etc/headroom/headroom.yaml, then the embedded default).")
    var config: String?

    /// The daemon's services, or exit 2 with the reason (an unusable TLS certificate, say).
    private func serviceGroup(_ make: () throws -> ServiceGroup) throws -> ServiceGroup {
        do {
            return try make()
        } catch {
            printError("headroom: \(error)")
            throw ExitCode(2)
        }
    }

    func run() async throws {
        // Until the reload service traps SIGHUP, ignore it rather than die of its default action.
        signal(SIGHUP, SIG_IGN)
        // Two malloc arenas, not glibc's eight a core: each thread the daemon owns (the round,
        // the watchdog, the history writer, a query) would otherwise keep an arena of its own
        // whose freed pages stay resident. The threads take turns; none allocates much.
        _ = mallopt(M_ARENA_MAX, 2)
        let source = ConfigurationSource(explicitPath: config)
        let loaded: LoadedConfiguration
        switch source.load() {
        case .failure(let errors):
            printError("headroom: invalid configuration (\(source.describe)):\n\(errors.description)")
            throw ExitCode(2)
        case .success(let value):
            loaded = value
        }
        let configuration = loaded.configuration
        let level = Logger.Level(rawValue: configuration.log.level.rawValue) ?? .info
        let format = HeadroomLogHandler.Format(rawValue: configuration.log.format.rawValue) ?? .text
        LoggingSystem.bootstrap { label in HeadroomLogHandler(label: label, level: level, format: format) }
        let logger = Logger(label: "headroom")
        TaskThreads.logRescues(to: logger)
        for warning in loaded.warnings {
            logger.warning("configuration: \(warning.description)")
        }

        let dependencies = Dependencies.live(environment: source.environment)
        // A state directory whose disk does not answer ends the start too: one line, exit 2,
        // from the deadline's thread while start-up's own call still hangs on the disk (so
        // `_exit`: exit's handlers could wait on that call).
        let directory = dependencies.stateDirectory?(configuration.delivery)
        let deadline = StartupDeadline(directory: directory ?? "", clock: dependencies.clock) { failure in
            printError("headroom: \(failure)")
            _exit(2)
        }
        // Every resource the daemon needs, before anything starts: one line and exit 2.
        let resources: StartupCheck.Resources
        switch StartupCheck.run(configuration, dependencies, deadline: deadline, logger: logger) {
        case .failure(let failure):
            printError("headroom: \(failure)")
            throw ExitCode(2)
        case .success(let held):
            resources = held
        }
        defer { withExtendedLifetime(resources) {} }
        let makeDaemon = { Daemon(configuration: configuration, dependencies: dependencies, logger: logger) }
        // Building it creates the outbox's directory (its only call into the state directory).
        let daemon = directory.map { deadline.step("creating \($0)/outbox", makeDaemon) } ?? makeDaemon()
        await daemon.recoverState(within: deadline)
        deadline.finish()
        logger.info(
            "headroom \(Headroom.version) started",
            metadata: [
                "config": "\(source.describe)",
                "interval": "\(configuration.interval.headroomDescription)",
                "rules": "\(configuration.rules.count)",
                "channels": "\(configuration.channels.filter(\.enabled).map(\.name).joined(separator: ","))",
                "root": "\(configuration.collectors.root)",
            ])
        if !command.isEmpty {
            guard let mode = RestartPolicy.Mode(rawValue: restart) else {
                printError("headroom: --restart must be never, on-failure or always, got \"\(restart)\"")
                throw ExitCode(2)
            }
            let supervisor = await daemon.supervisor(
                for: command,
                restart: RestartPolicy(
                    mode: mode, initialDelay: .milliseconds(Int64(max(0, restartDelay) * 1000)), maximumRestarts: restartMax))
            try await Self.running(serviceGroup { try daemon.serviceGroup(supervising: supervisor) })
            logger.info("headroom stopped", metadata: ["status": "\(supervisor.exitStatus)"])
            throw ExitCode(supervisor.exitStatus)
        }
        let group = try serviceGroup {
            try daemon.serviceGroup(reload: { source.load().map(\.configuration) })
        }
        try await Self.running(group)
        logger.info("headroom stopped")
    }

    /// Runs the group; a server that cannot bind (the port taken after the check at start)
    /// ends the run the same way as the check: one line, exit 2.
    private static func running(_ group: ServiceGroup) async throws {
        do {
            try await group.run()
        } catch let error as ServerSettingsError {
            printError("headroom: \(error.message)")
            throw ExitCode(2)
        }
    }
}
