import Foundation
import Testing

/// Golden payload files under `Golden/`: the exact bytes a channel sends for a fixed
/// notification at a fixed time. A test run only compares: on a difference (or a missing
/// file) it fails and leaves what the channel sends now under `actualDirectory`, and
/// `scripts/update-golden` — never a test run — copies those over the golden files.
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Golden")
    /// Where a failing comparison leaves the bytes it got (`scripts/update-golden` reads it).
    static let actualDirectory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("headroom-golden-actual")

    static func check(_ bytes: [UInt8], _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = directory.appendingPathComponent(name)
        let expected = FileManager.default.contents(atPath: url.path)
        guard let expected, [UInt8](expected) == bytes else {
            try FileManager.default.createDirectory(at: actualDirectory, withIntermediateDirectories: true)
            try Data(bytes).write(to: actualDirectory.appendingPathComponent(name))
            #expect(
                String(decoding: bytes, as: UTF8.self) == expected.map { String(decoding: $0, as: UTF8.self) } ?? "(missing golden file \(name))",
                "golden \(name) differs; if the new bytes are right, run scripts/update-golden", sourceLocation: sourceLocation)
            return
        }
    }
}
