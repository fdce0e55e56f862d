public import Foundation
public import HeadroomCore
import Synchronization

/// Plays a short generated tone: paplay, else aplay, else the terminal bell; where there
/// is neither a player nor a terminal it stays silent and says so once.
public final class SoundNotifier: Notifier {
    public let channel: String
    private let configuration: SoundConfiguration
    private let runner: any CommandRunner
    private let searchPath: String
    private let terminal: @Sendable () -> Bool
    private let directory: String
    private let warned = Mutex(false)

    public init(
        channel: String, configuration: SoundConfiguration, runner: any CommandRunner = LiveCommandRunner(),
        environment: [String: String], terminal: @escaping @Sendable () -> Bool = { isatty(STDERR_FILENO) == 1 }
    ) {
        self.channel = channel
        self.configuration = configuration
        self.runner = runner
        searchPath = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        self.terminal = terminal
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("headroom-sound-\(getpid())").path
    }

    /// The player to use (pure but for looking at the search path): paplay, else aplay.
    public static func player(
        _ choice: SoundConfiguration.Player, searchPath: String,
        exists: (String) -> Bool = { FileManager.default.isExecutableFile(atPath: $0) }
    ) -> String? {
        let names: [String] =
            switch choice {
            case .auto: ["paplay", "aplay"]
            case .paplay: ["paplay"]
            case .aplay: ["aplay"]
            case .bell: []
            }
        for name in names {
            for directory in searchPath.split(separator: ":") where exists("\(directory)/\(name)") {
                return "\(directory)/\(name)"
            }
        }
        return nil
    }

    public func deliver(_ notification: AlertNotification, context: DeliveryContext) async throws(DeliveryError) {
        let severity = (context.digest.isEmpty ? [notification] : context.digest).map(\.alert.severity).max() ?? notification.alert.severity
        let resolved = (context.digest.isEmpty ? [notification] : context.digest).allSatisfy { $0.kind == .resolved }
        if let player = Self.player(configuration.player, searchPath: searchPath) {
            let file = "\(directory)/\(severity.rawValue)-\(resolved ? "resolved" : "firing").wav"
            if !FileManager.default.fileExists(atPath: file) {
                try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                _ = FileManager.default.createFile(atPath: file, contents: Data(SoundTone.wav(severity: severity, resolved: resolved)))
            }
            let result = try await runner.run([player, file], environment: ProcessInfo.processInfo.environment, input: [], timeout: .seconds(10))
            if result.status == 0 { return }
        }
        if terminal() {
            FileHandle.standardError.write(Data("\u{7}".utf8))
            return
        }
        let first = warned.withLock { warned in
            defer { warned = true }
            return !warned
        }
        if first {
            FileHandle.standardError.write(
                Data(
                    "headroom: \(channel): no audio player (paplay, aplay) worked and there is no terminal for the bell; alerts on this channel are silent\n"
                        .utf8))
        }
    }

    /// Whether the silent case has been reported (tests).
    public var reportedSilence: Bool { warned.withLock { $0 } }
}
