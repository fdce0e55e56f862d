import Foundation
import HeadroomConfig
import HeadroomConfigSyntax

/// Finds, reads and loads the configuration: the only place that touches the file system
/// and the environment for it (the loader itself is pure).
struct ConfigurationSource: Sendable {
    /// The file in use, or nil for the embedded default.
    let path: String?
    let environment: [String: String]

    /// Applies the lookup order: explicit path, $HEADROOM_CONFIG, /etc/headroom/headroom.yaml, embedded default.
    init(explicitPath: String?, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
        path = ConfigurationLoader.locate(explicitPath: explicitPath, environment: environment) {
            FileManager.default.fileExists(atPath: $0)
        }
    }

    /// Human name of the source, for logs.
    var describe: String { path ?? "embedded default" }

    /// Reads and validates; every problem is reported together.
    func load() -> Result<LoadedConfiguration, ConfigurationErrors> {
        var text: String? = nil
        if let path {
            guard let data = FileManager.default.contents(atPath: path) else {
                let reason = FileManager.default.fileExists(atPath: path) ? "it is not readable by this user" : "no such file"
                return .failure(
                    ConfigurationErrors(issues: [
                        ConfigurationIssue(
                            path: "", line: nil, column: nil, origin: path,
                            message: "cannot read the configuration file: \(reason)", suggestion: nil)
                    ]))
            }
            guard let decoded = String(data: data, encoding: .utf8) else {
                return .failure(
                    ConfigurationErrors(issues: [
                        ConfigurationIssue(
                            path: "", line: nil, column: nil, origin: path,
                            message: "the configuration file is not valid UTF-8 text", suggestion: nil)
                    ]))
            }
            text = decoded
        }
        let name = path.map { ($0 as NSString).lastPathComponent } ?? "embedded default"
        return ConfigurationLoader.load(yaml: text, source: name, environment: environment)
    }
}

/// Writes to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}
