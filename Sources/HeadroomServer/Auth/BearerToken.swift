import Foundation
import HeadroomCore

/// Checks `Authorization: Bearer <token>` against the configured token in constant time.
struct BearerToken: Sendable {
    /// The expected token; nil: none is configured and mutations are switched off. A file
    /// is read at every check (mutating requests only), so a rotated token applies at once.
    let expected: Secret?

    init(_ expected: Secret?) {
        self.expected = expected
    }

    enum Verdict: Equatable {
        case allowed
        /// No token is configured: mutations are switched off.
        case disabled
        /// Missing or wrong token.
        case denied
        /// The token file cannot be read (or holds too short a token): nothing is allowed.
        case unavailable
    }

    /// The token file's content without its trailing newline, or a message naming the file
    /// (never its content).
    static func read(file path: String) -> Result<String, ServerSettingsError> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(ServerSettingsError(message: "server.token_file \(path): cannot be read"))
        }
        let token = Secret.value(ofFile: Array(data))
        guard token.count >= 16 else {
            return .failure(ServerSettingsError(message: "server.token_file \(path): a token of at least 16 characters is needed"))
        }
        return .success(token)
    }

    func check(authorization: String?) -> Verdict {
        let expected: String
        switch self.expected?.source {
        case nil: return .disabled
        case .value(let value)?: expected = value
        case .file(let path)?:
            guard case .success(let value) = Self.read(file: path) else { return .unavailable }
            expected = value
        }
        guard let authorization, authorization.hasPrefix("Bearer ") else { return .denied }
        let given = Array(authorization.dropFirst("Bearer ".count).utf8)
        let wanted = Array(expected.utf8)
        var difference = given.count ^ wanted.count
        for index in 0..<wanted.count {
            difference |= Int(wanted[index] ^ (index < given.count ? given[index] : 0))
        }
        return difference == 0 ? .allowed : .denied
    }
}
