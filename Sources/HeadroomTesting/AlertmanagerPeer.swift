import Foundation
public import HeadroomNotify
import HeadroomCore

/// A real Alertmanager (Debian's prometheus-alertmanager, installed by `scripts/test`) on a
/// free loopback port, with a route to nowhere, read back through its own API. Stopped and
/// its directory removed when released.
public final class AlertmanagerPeer {
    let process: Subprocess
    public let port: Int
    let directory: String

    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("headroom-am-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "route: {receiver: blackhole}\nreceivers: [{name: blackhole}]\n".write(toFile: directory + "/am.yml", atomically: true, encoding: .utf8)
        let (_, output) = try Subprocess.run([
            try TestPeer.python(), "-c", "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])",
        ])
        port = Int(String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        process = try Subprocess(
            [
                try TestPeer.path("prometheus-alertmanager", package: "prometheus-alertmanager"),
                "--config.file=\(directory)/am.yml", "--storage.path=\(directory)/data",
                "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address=",
            ], standardOutput: .null, standardError: .null)
    }

    public func get(_ path: String) async throws -> HTTPResponse {
        try await LiveHTTPTransport().send(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)\(path)"), tls: TLSSettings(), timeout: .seconds(2))
    }

    /// Waits (bounded) until Alertmanager answers /-/ready.
    public func ready() async throws -> Bool {
        // Generous: it starts in under a second alone, but the suite's first half-minute keeps
        // both CPUs and the test process's threads busy.
        try await Poll.until(within: .seconds(60), every: .milliseconds(100)) {
            (try? await get("/-/ready"))?.status == 200
        }
    }

    /// The alerts Alertmanager holds (`/api/v2/alerts`), as it returns them.
    public func alerts() async throws -> [[String: Any]] {
        (try JSONSerialization.jsonObject(with: Data(try await get("/api/v2/alerts").body)) as? [[String: Any]]) ?? []
    }

    deinit {
        process.signal(SIGTERM)
        _ = process.wait()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
