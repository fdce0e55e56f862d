/// Checks `Authorization: Bearer <token>` against the configured token in constant time.
struct BearerToken: Sendable {
    let expected: String?

    enum Verdict: Equatable {
        case allowed
        /// No token is configured: mutations are switched off.
        case disabled
        /// Missing or wrong token.
        case denied
    }

    func check(authorization: String?) -> Verdict {
        guard let expected else { return .disabled }
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
