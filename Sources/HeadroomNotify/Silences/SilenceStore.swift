public import Foundation

/// The silences, persisted in `<state_dir>/silences.json` (written atomically, like the
/// outbox) so `headroom silence add|list|expire` and the running daemon share them.
public struct SilenceStore: Sendable {
    /// The state directory the file lies in.
    public let directory: String
    public let path: String

    public init(stateDirectory: String) {
        directory = stateDirectory
        path = (stateDirectory.hasSuffix("/") ? stateDirectory : stateDirectory + "/") + "silences.json"
    }

    /// Every stored silence (none when the file does not exist; a file that cannot be read
    /// is an error, not taken for none).
    public func load() throws(SilenceError) -> [Silence] {
        let bytes: Data?
        do { bytes = try DurableFile.read(path) } catch { throw SilenceError(error.description, kind: .storage) }
        guard let data = bytes else { return [] }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do { return try decoder.decode([Silence].self, from: data) } catch {
            throw SilenceError("cannot read \(path): \(error)", kind: .storage)
        }
    }

    /// Replaces the stored silences.
    public func save(_ silences: [Silence]) throws(SilenceError) {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try DurableFile.write(try encoder.encode(silences), to: path) as Void
        } catch let error as SilenceError {
            throw error
        } catch {
            throw SilenceError("cannot write \(path): \(error)", kind: .storage)
        }
    }

    /// The silences that have not ended (`SilenceChange.running`).
    public func running(at now: Date) throws(SilenceError) -> [Silence] {
        SilenceChange.running(try load(), at: now)
    }

    /// Stores `silence` beside the others (`SilenceChange.adding`).
    /// False when it was there already (a create sent again: nothing is written).
    @discardableResult
    public func add(_ silence: Silence, at now: Date) throws(SilenceError) -> Bool {
        try exclusively { () throws(SilenceError) in
            switch SilenceChange.adding(silence, to: try load(), at: now) {
            case .failure(let error): throw error
            case .success(.present): return false
            case .success(.added(let silences)):
                try save(silences)
                return true
            }
        }
    }

    /// Ends the running silence `id` now and returns it (`SilenceChange.expiring`).
    public func expire(_ id: String, at now: Date) throws(SilenceError) -> Silence {
        try exclusively { () throws(SilenceError) in
            let (silences, expired) = try SilenceChange.expiring(id, in: try load(), at: now).get()
            try save(silences)
            return expired
        }
    }

    /// Runs a change (read, change, write) holding an exclusive `flock` on
    /// `silences.json.lock` beside the file: two changes at once, from the API's threads or a
    /// `headroom silence` beside the daemon, each see the other's result (two creates under
    /// one id: one is added, the other finds it), rather than the last write dropping the
    /// first's silence.
    private func exclusively<T>(_ change: () throws(SilenceError) -> T) throws(SilenceError) -> T {
        let lockPath = path + ".lock"
        let directory = (path as NSString).deletingLastPathComponent
        _ = mkdir(directory, 0o700)
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw SilenceError("cannot open \(lockPath): \(String(cString: strerror(errno)))", kind: .storage)
        }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw SilenceError("cannot lock \(lockPath): \(String(cString: strerror(errno)))", kind: .storage) }
        }
        return try change()
    }

    /// The file's modification time, to reload only when it changed.
    public func modificationDate() -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }
}
