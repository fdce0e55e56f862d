import Foundation
import HeadroomCore
import HeadroomNotify
import Testing

@Suite("Secret")
struct SecretTests {
    @Test("renders as <secret> however it is printed")
    func redacted() throws {
        let secret = Secret("hunter2-token")
        #expect(secret.description == "<secret>")
        #expect(secret.debugDescription == "<secret>")
        #expect("\(secret)" == "<secret>")
        #expect(String(reflecting: secret) == "<secret>")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains("hunter2"))
        var dumpedConfiguration = ""
        dump(WebhookConfiguration(endpoint: HTTPEndpoint(url: Secret("https://example.test/hook?key=hunter2"))), to: &dumpedConfiguration)
        #expect(!dumpedConfiguration.contains("hunter2"))
        #expect(try secret.reveal() == "hunter2-token")
    }

    @Test("a *_file secret is read when needed, without its trailing newline; a missing file names the path only")
    func file() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("secret-\(UUID().uuidString)").path
        try "from-file\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try Secret.file(path).reveal() == "from-file")
        try "rotated\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try Secret.file(path).reveal() == "rotated")
        try FileManager.default.removeItem(atPath: path)
        #expect(throws: DeliveryError.permanent("cannot read the secret file \(path): check that it exists and that headroom may read it")) {
            try Secret.file(path).reveal()
        }
    }
}

@Suite("HTTP endpoint rules")
struct HTTPEndpointTests {
    @Test(
        "https anywhere, plain http only to loopback unless allowed",
        arguments: [
            ("https://hooks.example.com/x", false, true),
            ("http://127.0.0.1:9/x", false, true),
            ("http://127.10.0.3/x", false, true),
            ("http://localhost:8080/x", false, true),
            ("http://[::1]:8080/x", false, true),
            ("http://10.0.0.5/x", false, false),
            ("http://hooks.example.com/x", false, false),
            ("http://127.0.0.1.example.com/x", false, false),
            ("http://hooks.example.com/x", true, true),
            ("ftp://hooks.example.com/x", true, false),
            ("not a url", false, false),
        ])
    func rule(url: String, allowInsecure: Bool, allowed: Bool) {
        #expect((HTTPEndpoint.problem(url: url, allowInsecure: allowInsecure) == nil) == allowed)
    }

    @Test("the refusal names the host and the fix, never the URL's secret part")
    func message() throws {
        let endpoint = HTTPEndpoint(url: Secret("http://hooks.example.com/services/T/B/s3cr3t"))
        #expect(
            throws: DeliveryError.permanent(
                "slack: the url uses plain http to hooks.example.com, which is not a loopback address: use https, or set allow_insecure: true on this channel")
        ) {
            try endpoint.resolvedURL(channel: "slack")
        }
    }
}

@Suite("HMAC-SHA256")
struct HMACTests {
    @Test("RFC 4231 test case 2")
    func rfc4231() {
        #expect(
            HMACSHA256.hex(HMACSHA256.mac(key: "Jefe", message: "what do ya want for nothing?"))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test("byte limits never split a character and leave a marker", arguments: [20, 21, 22, 23, 100, 4096])
    func truncation(limit: Int) {
        let text = String(repeating: "内存告警", count: 600)
        let cut = ByteLimit.truncate(text, toBytes: limit)
        #expect(cut.utf8.count <= limit)
        #expect(cut.hasSuffix(ByteLimit.marker))
        #expect(text.hasPrefix(String(cut.dropLast(ByteLimit.marker.count))))
        #expect(ByteLimit.truncate("short", toBytes: limit) == "short")
    }
}
