import Glibc
package import HeadroomCore
package import HeadroomNotify

/// Running a peer program to its end (openssl, a python probe), and reading the first line
/// a server peer prints, for tests.
extension Subprocess {
    /// Runs `arguments` to its end, blocking the caller: stdin is `input` and then its end
    /// (or /dev/null), stdout is collected and returned, stderr goes to `standardError`.
    package static func run(
        _ arguments: [String], input: [UInt8]? = nil, directory: String? = nil, standardError: Stream = .inherit
    ) throws(SpawnError) -> (termination: ChildTermination, output: [UInt8]) {
        let child = try Subprocess(
            arguments, directory: directory, standardInput: input == nil ? .null : .pipe, standardOutput: .pipe, standardError: standardError)
        if let input, let fd = child.standardInput {
            // On a thread of its own: a child that writes before it has read all its input
            // must not wait on us while we wait on it.
            DetachedThread.start(name: "test-stdin") {
                write(input, to: fd)
                close(fd)
            }
        }
        var output: [UInt8] = []
        if let fd = child.standardOutput {
            while true {
                let chunk = readChunk(fd)
                if chunk.isEmpty { break }
                output += chunk
            }
            close(fd)
        }
        return (child.wait(), output)
    }

    /// Reads `fd` until a newline or its end, and returns the first line without the newline.
    package static func readLine(_ fd: Int32) -> String {
        var line: [UInt8] = []
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = readChunk(fd)
            if chunk.isEmpty { break }
            line += chunk
        }
        return String(decoding: line.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
    }

    /// One read(2), retried on EINTR; empty at the end of the stream or on an error.
    private static func readChunk(_ fd: Int32) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            return count > 0 ? Array(buffer[0..<count]) : []
        }
    }
}

extension ChildTermination {
    /// What Foundation's `Process.terminationStatus` said: the exit code, or the signal.
    package var codeOrSignal: Int32 {
        switch self {
        case .exited(let code): code
        case .signaled(let signal): signal
        }
    }
}
