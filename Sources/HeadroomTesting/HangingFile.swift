import Foundation

/// A FIFO standing in for a file on a disk that stopped answering: opening it for reading
/// blocks in open(2) until a writer comes, through the same calls a real read makes.
public enum HangingFile {
    /// Makes `path` a FIFO, and the directories above it (fails when something is there).
    public static func make(at path: String) throws {
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        guard mkfifo(path, 0o600) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }

    /// The disk answers: waits (up to `timeout`) for a read blocked on the FIFO, puts a regular
    /// file in its place with `replace` (later reads find it), then hands the blocked read that
    /// file's bytes. False when no read came to wait.
    public static func answer(at path: String, timeout: Duration = .seconds(20), replace: () throws -> Void) async throws -> Bool {
        try await Poll.until(within: timeout) { try answerNow(at: path, replace: replace) }
    }

    /// `answer` without the wait, for a read already blocked on the FIFO (from a thread that
    /// must not wait). False when none is.
    public static func answerNow(at path: String, replace: () throws -> Void) throws -> Bool {
        // Non-blocking: this open succeeds only while a read waits at the other end.
        let writer = open(path, O_WRONLY | O_NONBLOCK)
        guard writer >= 0 else { return false }
        defer { close(writer) }
        unlink(path)
        try replace()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        _ = bytes.withUnsafeBytes { write(writer, $0.baseAddress, $0.count) }
        return true
    }
}
