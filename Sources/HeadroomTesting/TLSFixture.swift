import Foundation
import HeadroomCore
import HeadroomNotify

/// A certificate authority, a server certificate for 127.0.0.1 and a client certificate,
/// made with `openssl` at test time, plus a second CA that signed nothing we serve.
public struct TLSFixture: Sendable {
    public let directory: String
    public var caCertificate: String { directory + "/ca.pem" }
    public var otherCACertificate: String { directory + "/other-ca.pem" }
    public var serverCertificate: String { directory + "/server.pem" }
    public var serverKey: String { directory + "/server.key" }
    public var clientCertificate: String { directory + "/client.pem" }
    public var clientKey: String { directory + "/client.key" }

    public static let shared = SharedFixture { try TLSFixture.make() }

    public static func make() throws -> TLSFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headroom-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func run(_ arguments: [String]) throws { try openssl(arguments, in: directory) }
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(toFile: directory + "/server.ext", atomically: true, encoding: .utf8)
        try "extendedKeyUsage=clientAuth\n".write(toFile: directory + "/client.ext", atomically: true, encoding: .utf8)
        try run(["req", "-x509"] + Self.ec + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Headroom Test CA"])
        try run(["req", "-x509"] + Self.ec + ["-keyout", "other-ca.key", "-out", "other-ca.pem", "-days", "2", "-subj", "/CN=Someone Else CA"])
        try run(["req"] + Self.ec + ["-keyout", "client.key", "-out", "client.csr", "-subj", "/CN=headroom-client"])
        try run([
            "x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "client.pem", "-days", "2", "-extfile", "client.ext",
        ])
        let fixture = TLSFixture(directory: directory)
        _ = try fixture.makeServerCertificate(named: "server", commonName: "127.0.0.1")
        return fixture
    }

    /// A server certificate for 127.0.0.1 signed by the CA (`server`, or a renewal), with `commonName`.
    public func makeServerCertificate(named name: String, commonName: String) throws -> (certificate: String, key: String) {
        try Self.openssl(["req"] + Self.ec + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(commonName)"], in: directory)
        try Self.openssl(
            [
                "x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "\(name).pem", "-days", "2", "-extfile", "server.ext",
            ], in: directory)
        return (directory + "/\(name).pem", directory + "/\(name).key")
    }

    static let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]

    static func openssl(_ arguments: [String], in directory: String) throws {
        let (termination, _) = try Subprocess.run(["/usr/bin/env", "openssl"] + arguments, directory: directory, standardError: .null)
        guard termination == .exited(code: 0) else { throw FixtureError.openssl(arguments.joined(separator: " ")) }
    }

    public enum FixtureError: Error { case openssl(String) }
}
