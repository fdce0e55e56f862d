import HeadroomNotify
import ArgumentParser
import Foundation
import HeadroomConfig
import HeadroomConfigSyntax
import HeadroomCore

/// `headroom config …`: validate, show, default.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Validate, show or print the configuration.",
        subcommands: [Validate.self, Show.self, Default.self]
    )

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a configuration file; report every problem with its line; exit 2 if invalid.",
            discussion: """
                Environment overrides (HEADROOM_*) are applied as the daemon would apply them.

                EXAMPLES
                  headroom config validate /etc/headroom/headroom.yaml
                  HEADROOM_INTERVAL=1s headroom config validate ./headroom.yaml
                """
        )

        @Argument(help: "The file to check (default: the file the daemon would use).")
        var path: String?

        func run() throws {
            let source = ConfigurationSource(explicitPath: path)
            switch source.load() {
            case .failure(let errors):
                printError(
                    "\(source.describe): invalid configuration (\(errors.issues.count) problem\(errors.issues.count == 1 ? "" : "s")):\n\(errors.description)")
                throw ExitCode(2)
            case .success(let loaded):
                for warning in loaded.warnings { printError("warning: \(warning.description)") }
                let configuration = loaded.configuration
                print(
                    "\(source.describe): valid (\(configuration.rules.count) rules, channels: \(configuration.channels.filter(\.enabled).map(\.name).joined(separator: ", ")), interval \(configuration.interval.headroomDescription))"
                )
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the effective configuration (built-in rules merged, environment applied, secrets redacted).",
            discussion: """
                EXAMPLES
                  headroom config show
                  HEADROOM_CPU_WARN_PERCENT=85 headroom config show --config ./headroom.yaml
                """
        )

        @Option(name: .shortAndLong, help: "Configuration file.")
        var config: String?

        func run() throws {
            let source = ConfigurationSource(explicitPath: config)
            switch source.load() {
            case .failure(let errors):
                printError("\(source.describe): invalid configuration:\n\(errors.description)")
                throw ExitCode(2)
            case .success(let loaded):
                print("# effective configuration from \(source.describe)")
                print(ConfigurationRenderer.yaml(loaded.configuration), terminator: "")
            }
        }
    }

    struct Default: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the embedded default configuration, a commented starting point.",
            discussion: """
                EXAMPLES
                  headroom config default > /etc/headroom/headroom.yaml
                """
        )

        func run() {
            print(DefaultConfiguration.yaml, terminator: DefaultConfiguration.yaml.hasSuffix("\n") ? "" : "\n")
        }
    }
}
