import Foundation
import HeadroomCore
import HeadroomNotify
import HeadroomTesting
import Testing

/// The platform stand-ins of `receiver.py`, running as a real HTTP or HTTPS server on
/// 127.0.0.1 for the whole test run (it exits when the test process closes its stdin).
final class Receiver: @unchecked Sendable {
    /// One request as the server received it.
    struct Received: Sendable {
        var path: String
        var query: String
        var headers: [(String, String)]
        var body: [UInt8]
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        var bodyText: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
    }

    let port: Int
    let scheme: String
    /// How the test itself talks to the receiver (its CA, and a client certificate when required).
    var controlTLS = TLSSettings()
    private let process: Subprocess
    /// The write end of the server's stdin: closing it stops the server.
    private let input: Int32

    /// Settings every test's robots share; tests use distinct robot ids so they can run in parallel.
    static let secrets: [String: String] = [
        "webhook_secret": "webhook-hmac-secret",
        "wecom_key": "wecom-key-0001",
        "wecom_per_minute": "3",
        "dingtalk_token": "ding-token-0001",
        "dingtalk_secret": "SEC0123456789abcdef",
        "dingtalk_keyword": "headroom",
        "dingtalk_per_minute": "2",
        "feishu_secret": "feishu-secret-0001",
        // Every rate window (Slack's and Feishu's second, WeCom's and DingTalk's minute)
        // stretched 3,600 times, beyond the whole run: under load the suite's start queues
        // more than 30 s of work ahead of a test's next step, and a burst test's second
        // message once came more than 30 s after its first (scripts/test-under-load). Each
        // test has robots of its own, and none waits for a window to pass.
        "window_scale": "3600",
    ]

    private init(arguments: [String], scheme: String) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("receiver.py").path
        process = try Subprocess(["/usr/bin/env", "python3", script] + arguments, standardInput: .pipe, standardOutput: .pipe)
        input = process.standardInput!
        // The first line is "PORT <n>"; it arrives as soon as the server listens.
        let output = process.standardOutput!
        let text = Subprocess.readLine(output).trimmingCharacters(in: .whitespacesAndNewlines)
        close(output)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
            throw ReceiverError.didNotStart(text)
        }
        self.port = port
        self.scheme = scheme
    }

    enum ReceiverError: Error { case didNotStart(String) }

    static func start(tls: TLSFixture? = nil, requireClientCertificate: Bool = false) throws -> Receiver {
        let configuration = String(decoding: try JSONSerialization.data(withJSONObject: secrets), as: UTF8.self)
        var arguments = [configuration]
        if let tls {
            arguments += ["--tls", tls.serverCertificate, tls.serverKey]
            if requireClientCertificate { arguments += ["--client-ca", tls.caCertificate] }
        }
        let receiver = try Receiver(arguments: arguments, scheme: tls == nil ? "http" : "https")
        if let tls {
            receiver.controlTLS = TLSSettings(caFile: tls.caCertificate, clientCertificateFile: tls.clientCertificate, clientKeyFile: tls.clientKey)
        }
        return receiver
    }

    /// The shared plain-HTTP receiver.
    static let plain = SharedFixture { try Receiver.start() }

    /// `scheme://127.0.0.1:port` + path.
    func url(_ path: String) -> String { "\(scheme)://127.0.0.1:\(port)\(path)" }

    /// The requests received on paths that start with `prefix`, in arrival order.
    func requests(under prefix: String) async throws -> [Received] {
        let response = try await LiveHTTPTransport().send(
            HTTPRequest(method: "GET", url: url("/_requests")), tls: controlTLS, timeout: .seconds(5))
        let items = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]])
        return items.compactMap { item -> Received? in
            guard let path = item["path"] as? String, path.hasPrefix(prefix) else { return nil }
            let headers = (item["headers"] as? [[String]] ?? []).map { ($0[0], $0[1]) }
            let body = Data(base64Encoded: item["body"] as? String ?? "") ?? Data()
            return Received(path: path, query: item["query"] as? String ?? "", headers: headers, body: Array(body))
        }
    }

    deinit {
        close(input)
    }
}
