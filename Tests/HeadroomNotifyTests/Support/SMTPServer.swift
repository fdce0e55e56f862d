import Foundation
import HeadroomNotify
import HeadroomTesting

/// aiosmtpd started by the test (see smtp_receiver.py): STARTTLS or implicit TLS, AUTH required.
final class SMTPServer: @unchecked Sendable {
    let port: Int
    let spool: String
    private let process: Subprocess
    /// The write end of the server's stdin: closing it stops the server.
    private let input: Int32

    static let user = "alerts@example.test"
    static let password = "smtp-pa55"

    init(mode: String, tls: TLSFixture, loginOnly: Bool = false) throws {
        spool = FileManager.default.temporaryDirectory.appendingPathComponent("headroom-smtp-\(UUID().uuidString)").path
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("smtp_receiver.py").path
        process = try Subprocess(
            [
                try TestPeer.python(importing: "aiosmtpd", package: "aiosmtpd"),
                script, "--mode", mode, "--cert", tls.serverCertificate, "--key", tls.serverKey,
                "--user", Self.user, "--password", Self.password, "--spool", spool,
            ] + (loginOnly ? ["--login-only"] : []), standardInput: .pipe, standardOutput: .pipe)
        input = process.standardInput!
        let output = process.standardOutput!
        let text = Subprocess.readLine(output).trimmingCharacters(in: .whitespacesAndNewlines)
        close(output)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else { throw Receiver.ReceiverError.didNotStart(text) }
        self.port = port
    }

    /// The messages accepted so far: envelope, raw message, TLS and login.
    func messages() -> [[String: Any]] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: spool)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        return names.compactMap { name in
            FileManager.default.contents(atPath: spool + "/" + name).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        }
    }

    deinit {
        close(input)
    }
}
