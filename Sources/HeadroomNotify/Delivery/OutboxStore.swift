import Foundation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The outbox on disk: one JSON file per (notification, channel) under `<state_dir>/outbox`.
///
/// A write goes to a temporary file that is fsynced, renamed over the final name, and the
/// directory is fsynced, so after a crash (even `kill -9` or power loss) each entry is
/// either wholly there or not at all. An entry is removed only when its channel confirmed
/// delivery (or it was given up), and the removal is fsynced too.
public struct OutboxStore: Sendable {
    public let directory: String

    public init(stateDirectory: String) {
        directory = stateDirectory.hasSuffix("/") ? stateDirectory + "outbox" : stateDirectory + "/outbox"
    }

    /// Creates the directory (mode 0700: notifications may carry host details).
    public func prepare() throws(OutboxError) {
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        } catch {
            throw OutboxError(
                "cannot create the outbox directory \(directory): \(error.localizedDescription); set state_dir (or HEADROOM_STATE_DIR) to a writable directory")
        }
    }

    /// Writes `entry` durably.
    public func write(_ entry: OutboxEntry) throws(OutboxError) {
        let encoder = StateJSON.encoder()
        let data: Data
        do { data = try encoder.encode(entry) } catch { throw OutboxError("cannot encode outbox entry \(entry.id): \(error)") }
        do { try DurableFile.write(data, to: path(entry.id)) } catch { throw OutboxError(error.description) }
    }

    /// Writes several entries durably with one flush.
    public func write(_ entries: [OutboxEntry]) throws(OutboxError) {
        var items: [(data: Data, path: String)] = []
        let encoder = StateJSON.encoder()
        for entry in entries {
            do { items.append((try encoder.encode(entry), path(entry.id))) } catch { throw OutboxError("cannot encode outbox entry \(entry.id): \(error)") }
        }
        do { try DurableFile.writeBatch(items) } catch { throw OutboxError(error.description) }
    }

    /// Removes several entries with one directory flush.
    public func remove(_ ids: [String]) throws(OutboxError) {
        do { try DurableFile.removeBatch(ids.map(path)) } catch { throw OutboxError(error.description) }
    }

    /// Removes the entry `id` (confirmed delivered, given up, or dropped).
    public func remove(_ id: String) throws(OutboxError) {
        do { try DurableFile.remove(path(id)) } catch { throw OutboxError(error.description) }
    }

    /// Where the channels and alerts whose firing was delivered (and not yet resolved) are
    /// kept, so "a delivered firing is always followed by a resolved" survives a restart.
    var deliveredFiringsPath: String { (directory as NSString).deletingLastPathComponent + "/delivered-firings.json" }

    public func saveDeliveredFirings(_ keys: Set<String>) throws(OutboxError) {
        do {
            let data = try JSONSerialization.data(withJSONObject: keys.sorted())
            try DurableFile.write(data, to: deliveredFiringsPath)
        } catch let error as DurableFile.Failure {
            throw OutboxError(error.description)
        } catch {
            throw OutboxError("cannot encode the delivered firings: \(error)")
        }
    }

    public func loadDeliveredFirings() -> Set<String> {
        guard let data = (try? DurableFile.read(deliveredFiringsPath)) ?? nil,
            let keys = (try? JSONSerialization.jsonObject(with: data)) as? [String]
        else { return [] }
        return Set(keys)
    }

    var rateBudgetsPath: String { (directory as NSString).deletingLastPathComponent + "/rate-budgets.json" }

    /// The recent send times per channel, so a restart does not reset a platform's rate
    /// budget (DingTalk bans a robot for 10 minutes after its 20th message in a minute).
    func saveSendTimes(_ times: [String: [Date]]) throws(OutboxError) {
        let object = times.mapValues { $0.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } }
        do {
            try DurableFile.write(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), to: rateBudgetsPath)
        } catch let error as DurableFile.Failure {
            throw OutboxError(error.description)
        } catch {
            throw OutboxError("cannot encode the rate budgets: \(error)")
        }
    }

    func loadSendTimes() -> [String: [Date]] {
        guard let data = (try? DurableFile.read(rateBudgetsPath)) ?? nil,
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: [Int64]]
        else { return [:] }
        return object.mapValues { $0.map { Date(timeIntervalSince1970: Double($0) / 1000) } }
    }

    /// Every entry on disk in creation order, and the names of files that could not be read
    /// (kept for an operator to inspect). Leftover temporary files are deleted, unless
    /// `removingTemporaries` is false (a write of this process may be under way).
    public func load(removingTemporaries: Bool = true) -> (entries: [OutboxEntry], unreadable: [String]) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return ([], []) }
        let decoder = StateJSON.decoder()
        var entries: [OutboxEntry] = []
        var unreadable: [String] = []
        for name in names.sorted() {
            if name.hasPrefix(".") && name.hasSuffix(".tmp") {
                if removingTemporaries { unlink(directory + "/" + name) }
                continue
            }
            guard name.hasSuffix(".json") else { continue }
            let read: Data?
            do throws(DurableFile.Failure) {
                // Plain open(2) and read(2): on a disk that stopped answering this hangs like
                // the disk, which start-up's deadline then names (FileManager skips what is
                // not a regular file, and so hid that).
                guard let data = try DurableFile.read(directory + "/" + name) else { continue } // removed meanwhile
                read = data
            } catch {
                read = nil
            }
            guard let data = read,
                let entry = try? decoder.decode(OutboxEntry.self, from: data), entry.notification != nil
            else {
                unreadable.append(name)
                continue
            }
            entries.append(entry)
        }
        return (entries.sorted(by: OutboxEntry.ordered), unreadable)
    }

    func path(_ id: String) -> String { directory + "/" + id + ".json" }
}

/// Why the outbox could not be written or read.
public struct OutboxError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
