import Foundation
import HeadroomNotify
import HeadroomTesting
import Testing

/// A tmux server of the test's own (its own socket) with one detached session of a fixed
/// size: the test types with `send(_:)`, reads the screen with `screen()`, and polls it with a
/// deadline rather than sleeping. The server is killed when the value goes.
final class Tmux {
    let socket = "headroom-test-" + UUID().uuidString.prefix(8).lowercased()

    /// Starts `command` (run by sh) in a `width`×`height` session with `environment` set.
    /// NO_COLOR is unset first: the server copies the test runner's environment, and
    /// `swift test` sets NO_COLOR.
    init(_ command: String, width: Int = 80, height: Int = 24, environment: [String: String] = [:]) throws {
        executable = try TestPeer.path("tmux", package: "tmux")
        let exports = environment.sorted { $0.key < $1.key }.map { "export \($0.key)='\($0.value)'; " }.joined()
        try run(["new-session", "-d", "-s", "top", "-x", String(width), "-y", String(height), "unset NO_COLOR; " + exports + command])
    }

    deinit { _ = try? run(["kill-server"]) }

    /// The `tmux` executable, found on PATH like every test peer: missing, the test fails with
    /// the command that installs it (scripts/test does).
    private let executable: String

    @discardableResult
    func run(_ arguments: [String]) throws -> String {
        let (termination, output) = try Subprocess.run([executable, "-L", socket] + arguments)
        guard termination.codeOrSignal == 0 else { throw TmuxError("tmux \(arguments.joined(separator: " ")) failed: \(termination)") }
        return String(decoding: output, as: UTF8.self)
    }

    /// Types keys, as tmux names them (`q`, `Tab`, `Left`, `C-c`).
    func send(_ keys: String...) throws {
        try run(["send-keys", "-t", "top"] + keys)
    }

    /// The visible screen, one string per row; `escapes` keeps the colour attributes as SGR.
    func screen(escapes: Bool = false) throws -> [String] {
        try run(["capture-pane", "-p", "-t", "top"] + (escapes ? ["-e"] : [])).components(separatedBy: "\n")
    }

    /// Polls the screen until `predicate` holds; records an issue with the last screen when
    /// the deadline passes.
    @discardableResult
    func waitFor(_ what: String, timeout: Duration = .seconds(20), _ predicate: ([String]) -> Bool) async throws -> [String] {
        var last: [String] = []
        let shown = try await poll(what, timeout: timeout, every: .milliseconds(50), context: { "the screen:\n\(last.joined(separator: "\n"))" }) {
            last = try screen()
            return predicate(last) ? last : nil
        }
        return shown ?? last
    }
}

struct TmuxError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
