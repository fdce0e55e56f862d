import Foundation
import HeadroomDaemon
import HeadroomServer
import HeadroomTesting
import Testing

/// HTTPS on the daemon's server, checked with an independent TLS stack: Python's `ssl`
/// (OpenSSL) as the client, certificates made with `openssl` at test time.
@Suite("Serving over TLS")
struct ServingTLSTests {
    static func yaml(tls: String) -> String {
        """
        interval: 2s
        collectors:
          disabled: [cpu, memory, load, cgroup, pressure, amdgpu, nvidia]
        server:
          listen: 127.0.0.1:0
          tls: \(tls)
        channels: []
        """
    }

    /// One GET with Python's http.client; the status, the body's start and the server
    /// certificate's common name, or the error's class and text.
    struct Answer: Decodable {
        var status: Int?
        var body: String?
        var cn: String?
        var error: String?
    }

    static let client = #"""
        import http.client, json, ssl, sys
        port, path, cafile, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
        try:
            if cafile == "plain":
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            else:
                ctx = ssl.create_default_context(cafile=cafile)
                if cert:
                    ctx.load_cert_chain(cert, key)
                conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=10)
            conn.request("GET", path)
            response = conn.getresponse()
            answer = {"status": response.status, "body": response.read().decode()[:300]}
            if cafile != "plain":
                answer["cn"] = dict(pair[0] for pair in conn.sock.getpeercert()["subject"])["commonName"]
            print(json.dumps(answer))
        except Exception as error:
            print(json.dumps({"error": type(error).__name__ + ": " + str(error)}))
        """#

    static func get(_ port: Int, _ path: String = "/healthz", ca: String, certificate: String = "", key: String = "") async throws -> Answer {
        let directory = FileManager.default.temporaryDirectory
        let python = try TestPeer.python()
        let process = try ExternalProcess(python, ["-c", client, "\(port)", path, ca, certificate, key], directory: directory)
        #expect(try await process.wait() == 0)
        let line = try #require(process.log.split(separator: "\n").last, "no answer from the client: \(process.log)")
        return try JSONDecoder().decode(Answer.self, from: Data(line.utf8))
    }

    @Test("serves HTTPS with the configured chain; clients that do not trust its CA, or speak plain HTTP, get nothing")
    func https() async throws {
        let tls = try await TLSFixture.shared.get()
        let harness = try DaemonHarness(
            yaml: Self.yaml(tls: "{cert_file: \(tls.serverCertificate), key_file: \(tls.serverKey)}"),
            collectors: [])
        let server = try await ServedServer(try #require(harness.daemon.server))
        await harness.tick(0)

        let trusted = try await Self.get(server.port, "/metrics", ca: tls.caCertificate)
        #expect(trusted.status == 200, "\(trusted)")
        #expect(trusted.body?.contains("# TYPE headroom_") == true)
        #expect(trusted.cn == "127.0.0.1")

        let untrusted = try await Self.get(server.port, ca: tls.otherCACertificate)
        #expect(untrusted.status == nil)
        #expect(untrusted.error?.contains("CERTIFICATE_VERIFY_FAILED") == true, "\(untrusted)")

        let plain = try await Self.get(server.port, ca: "plain")
        #expect(plain.status == nil, "plain HTTP must not be answered on the TLS port: \(plain)")
        try await server.stop()
    }

    @Test("with client_ca_file, only clients presenting a certificate of that CA are served")
    func mutualTLS() async throws {
        let tls = try await TLSFixture.shared.get()
        let harness = try DaemonHarness(
            yaml: Self.yaml(tls: "{cert_file: \(tls.serverCertificate), key_file: \(tls.serverKey), client_ca_file: \(tls.caCertificate)}"),
            collectors: [])
        let server = try await ServedServer(try #require(harness.daemon.server))
        await harness.tick(0)

        let without = try await Self.get(server.port, ca: tls.caCertificate)
        #expect(without.status == nil, "a client without a certificate must be refused: \(without)")

        let with = try await Self.get(server.port, ca: tls.caCertificate, certificate: tls.clientCertificate, key: tls.clientKey)
        #expect(with.status == 200, "\(with)")
        #expect(with.body?.contains(#""status":"ok""#) == true)
        try await server.stop()
    }

    @Test("a renewed certificate written over the files is served from the next connection, without a restart; a broken one is not")
    func rotation() async throws {
        let tls = try TLSFixture.make()
        let live = tls.directory + "/live"
        try FileManager.default.createDirectory(atPath: live, withIntermediateDirectories: true)
        func install(_ certificate: String, _ key: String) throws {
            // As a Secret volume or a renewal job does: write beside, then rename over.
            for (source, name) in [(certificate, "tls.crt"), (key, "tls.key")] {
                try Data(contentsOf: URL(fileURLWithPath: source)).write(to: URL(fileURLWithPath: "\(live)/\(name)"), options: .atomic)
            }
        }
        try install(tls.serverCertificate, tls.serverKey)
        let harness = try DaemonHarness(yaml: Self.yaml(tls: "{cert_file: \(live)/tls.crt, key_file: \(live)/tls.key}"), collectors: [])
        let server = try await ServedServer(try #require(harness.daemon.server))
        await harness.tick(0)
        #expect(try await Self.get(server.port, ca: tls.caCertificate).cn == "127.0.0.1")

        let renewed = try tls.makeServerCertificate(named: "renewed", commonName: "renewed.headroom.test")
        try install(renewed.certificate, renewed.key)
        let after = try await Self.get(server.port, ca: tls.caCertificate)
        #expect(after.status == 200 && after.cn == "renewed.headroom.test", "\(after)")

        // A key that does not belong to the certificate: the last good pair keeps serving.
        try install(tls.serverCertificate, renewed.key)
        let broken = try await Self.get(server.port, ca: tls.caCertificate)
        #expect(broken.status == 200 && broken.cn == "renewed.headroom.test", "\(broken)")
        try await server.stop()
    }

    @Test("unusable TLS files stop the start with the key, the file and the problem", arguments: ["missing", "not-pem", "wrong-key"])
    func unusableFiles(_ case: String) async throws {
        let tls = try await TLSFixture.shared.get()
        let garbage = tls.directory + "/garbage-\(UUID().uuidString).pem"
        try "not a certificate\n".write(toFile: garbage, atomically: true, encoding: .utf8)
        let (certificate, key, expected): (String, String, String) =
            switch `case` {
            case "missing": (tls.directory + "/absent.pem", tls.serverKey, "server.tls.cert_file \(tls.directory)/absent.pem: cannot be read")
            case "not-pem": (tls.serverCertificate, garbage, "server.tls.key_file \(garbage): expected a PEM private key")
            default: (tls.serverCertificate, tls.clientKey, "cannot be used together")
            }
        let harness = try DaemonHarness(yaml: Self.yaml(tls: "{cert_file: \(certificate), key_file: \(key)}"), collectors: [])
        #expect {
            _ = try harness.daemon.serviceGroup()
        } throws: { error in
            String(describing: error).contains(expected)
        }
    }
}
