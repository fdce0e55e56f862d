import Foundation
import HeadroomCore
import HeadroomNotify

/// A real program a test runs beside Headroom (Prometheus, Alertmanager, VictoriaMetrics,
/// promtool, python3 with a module, unshare), found on PATH — with
/// `HEADROOM_TEST_PEERS_PATH` in front when set — never in a list of fixed directories.
/// A missing peer is an error whose text is the command that installs it, so the test
/// fails saying what to do; `scripts/test` installs every peer before it runs the suite.
public enum TestPeer {
    /// The absolute path of `name`, or an error naming the Debian `package` that provides it.
    public static func path(_ name: String, package: String) throws -> String {
        guard let found = lookup(name) else {
            throw TestPeerMissing("\(name) not found on PATH: install it with `apt-get install -y \(package)` (scripts/test does this)")
        }
        return found
    }

    /// python3, after checking that it can import `module` (from the PyPI `package`).
    public static func python(importing module: String? = nil, package: String? = nil) throws -> String {
        let python = try path("python3", package: "python3")
        guard let module else { return python }
        let (termination, _) = try Subprocess.run([python, "-c", "import \(module)"], standardError: .null)
        guard termination == .exited(code: 0) else {
            throw TestPeerMissing("python3 cannot import \(module): install it with `python3 -m pip install \(package ?? module)` (scripts/test does this)")
        }
        return python
    }

    /// The directories searched, in order.
    public static var searchPath: [String] {
        let environment = ProcessInfo.processInfo.environment
        let extra = environment["HEADROOM_TEST_PEERS_PATH"].map { [$0] } ?? []
        return (extra + [environment["PATH"] ?? "/usr/bin:/bin"]).flatMap { $0.split(separator: ":").map(String.init) }
    }

    static func lookup(_ name: String) -> String? {
        searchPath.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// A peer a test needs is not installed; the text says how to install it.
public struct TestPeerMissing: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
