import Foundation
public import HeadroomCore
import HeadroomNotify

/// `<state_dir>/alert-state.json`: the alert engine's saved state (`AlertEngineState`),
/// replaced atomically (temporary file, fsync, rename), so a crash leaves the previous
/// save or the new one, never a mix.
public struct AlertStateFile: Sendable {
    public let path: String

    public init(stateDirectory: String) {
        path = (stateDirectory.hasSuffix("/") ? stateDirectory : stateDirectory + "/") + "alert-state.json"
    }

    /// The saved state; nil when there is none. A file that cannot be read (no permission, a
    /// directory) or parsed is an error naming the path (the daemon then starts afresh and
    /// says so). Read with plain open(2) and read(2): on a disk that stopped answering, this
    /// hangs like the disk (start-up gives it `StartupDeadline`'s patience).
    public func load() -> Result<AlertEngineState?, AlertStateFileError> {
        let data: Data
        do throws(DurableFile.Failure) {
            guard let read = try DurableFile.read(path) else { return .success(nil) }
            data = read
        } catch {
            return .failure(AlertStateFileError(description: error.description))
        }
        do {
            return .success(try StateJSON.decoder().decode(AlertEngineState.self, from: data))
        } catch {
            return .failure(AlertStateFileError(description: "cannot parse \(path): \(error)"))
        }
    }

    public func save(_ state: AlertEngineState) throws(AlertStateFileError) {
        let data: Data
        do { data = try StateJSON.encoder().encode(state) } catch {
            throw AlertStateFileError(description: "cannot encode the alert state: \(error)")
        }
        do { try DurableFile.write(data, to: path) } catch { throw AlertStateFileError(description: error.description) }
    }
}

/// Why the alert state could not be read or written; names the file.
public struct AlertStateFileError: Error, CustomStringConvertible, Sendable {
    public var description: String
}
