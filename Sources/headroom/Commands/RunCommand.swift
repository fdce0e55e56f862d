import ServiceLifecycle
import HeadroomCollectors
import HeadroomNotify
import ArgumentParser
import Foundation
import HeadroomConfig
import HeadroomCore
import HeadroomDaemon
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
            """
    )

    @Option(name: .shortAndLong, help: "Configuration file (default: $HEADROOM_CONFIG, then /etc/headroom/headroom.yaml, then the embedded default).")
    var config: String?

    func run() async throws {
        // Until the reload service traps SIGHUP, ignore it rather than die of its default action.
        signal(SIGHUP, SIG_IGN)
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
        for warning in loaded.warnings {
            logger.warning("configuration: \(warning.description)")
        }

        let dependencies = Dependencies.live(environment: source.environment)
        let daemon = Daemon(configuration: configuration, dependencies: dependencies, logger: logger)
        logger.info("headroom \(Headroom.version) started", metadata: [
            "config": "\(source.describe)",
            "interval": "\(configuration.interval.headroomDescription)",
            "rules": "\(configuration.rules.count)",
            "channels": "\(configuration.channels.filter(\.enabled).map(\.name).joined(separator: ","))",
            "root": "\(configuration.collectors.root)",
        ])
        let group = daemon.serviceGroup(reload: {
            source.load().map(\.configuration)
        })
        try await group.run()
        logger.info("headroom stopped")
    }
}
