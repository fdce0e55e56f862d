import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import HeadroomNotify
import HeadroomTesting
import Testing

/// A program from the system (prometheus, promtool) run by a test, its output kept.
final class ExternalProcess: Sendable {
    let process: Subprocess
    private let name: String
    private let output: URL

    init(_ executable: String, _ arguments: [String], directory: URL, stdin: String? = nil) throws {
        name = (executable as NSString).lastPathComponent
        output = directory.appendingPathComponent("\(name)-\(UUID().uuidString).log")
        let fd = open(output.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        process = try Subprocess(
            [executable] + arguments, standardInput: stdin == nil ? .null : .pipe, standardOutput: .descriptor(fd), standardError: .descriptor(fd))
        if let stdin, let input = process.standardInput {
            Subprocess.write(Array(stdin.utf8), to: input)
            close(input)
        }
    }

    var log: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

    /// Waits for exit (bounded) and returns the status: the exit code, or the signal that ended it.
    func wait(timeout: Duration = .seconds(30)) async throws -> Int32 {
        var termination = await process.termination(within: timeout)
        if termination == nil {
            // Does not stop on SIGTERM: kill it rather than block the test forever.
            process.signal(SIGTERM)
            termination = await process.termination(within: .milliseconds(500))
            if termination == nil { process.signal(SIGKILL) }
            Issue.record("\(name) did not exit in time")
            termination = await process.termination()
        }
        guard let termination else { throw CancellationError() }
        return termination.codeOrSignal
    }

    /// SIGTERM, then waits for the exit.
    func stop() async throws {
        process.signal(SIGTERM)
        _ = try await wait(timeout: .seconds(15))
    }
}

/// A TCP port on 127.0.0.1 free at the time of asking (the system picks it).
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EMFILE) }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
    guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// GET `url` on loopback; nil when nothing answers yet.
func httpGet(_ url: String, headers: [String: String] = [:]) async -> (status: Int, body: String)? {
    var request = URLRequest(url: URL(string: url)!)
    request.timeoutInterval = 5
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    guard let (data, response) = try? await URLSession.shared.data(for: request),
        let http = response as? HTTPURLResponse
    else { return nil }
    return (http.statusCode, String(decoding: data, as: UTF8.self))
}

/// Polls `probe` every `every` until it returns a value or `timeout` passes; then records an
/// issue naming `what` and `context()` (a log, a screen) and returns nil. The one wait of the
/// tests that drive real processes, servers and terminals: they wait for those, not for time.
func poll<T>(
    _ what: String, timeout: Duration = .seconds(30), every: Duration = .milliseconds(100), context: () -> String = { "" },
    _ probe: () async throws -> T?
) async throws -> T? {
    if let value = try await Poll.value(within: timeout, every: every, probe) { return value }
    let detail = context()
    Issue.record("timed out waiting for \(what)\(detail.isEmpty ? "" : "\n" + detail)")
    return nil
}
