import ArgumentParser
import Foundation
import HeadroomConfig
import HeadroomCore
import HeadroomNotify

/// What `headroom history` and `headroom backtest` share: the configuration, the history
/// file it names, and times as people write them.
enum HistoryFile {
    /// The configuration of `path` (or as the daemon finds it); exit 2 when it is invalid.
    static func configuration(_ path: String?) throws -> (configuration: HeadroomConfiguration, source: ConfigurationSource) {
        let source = ConfigurationSource(explicitPath: path)
        switch source.load() {
        case .failure(let errors):
            printError("\(source.describe): invalid configuration:\n\(errors.description)")
            throw ExitCode(2)
        case .success(let loaded):
            return (loaded.configuration, source)
        }
    }

    /// The history file of `configuration`; `missing` is the exit code when there is none.
    static func path(of configuration: HeadroomConfiguration, _ source: ConfigurationSource, missing: Int32) throws -> String {
        let directory = StateDirectory.resolve(
            configured: configuration.delivery.stateDirectory, environment: source.environment, isRoot: getuid() == 0)
        let path = configuration.history.file(stateDirectory: directory)
        guard FileManager.default.fileExists(atPath: path) else {
            printError("no history at \(path): the daemon records it when history.enabled is true (the default) once it has run")
            throw ExitCode(missing)
        }
        return path
    }

    /// `text` as a time (RFC 3339, Unix seconds, or a duration before now); exit 2 otherwise.
    static func time(_ text: String, _ option: String, now: Date) throws -> Date {
        guard let date = PointInTime.parse(text, now: now) else {
            printError("\(option) \(text) is not a time: use RFC 3339 (2026-12-04T03:00:00Z), Unix seconds, or a duration before now such as 6h")
            throw ExitCode(2)
        }
        return date
    }
}
