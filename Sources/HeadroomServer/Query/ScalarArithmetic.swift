#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// PromQL arithmetic on number literals only (pure): `1+1` (Grafana's "Save & test"), `-2^2`,
/// `(1 + 2) * 3 % 4`, `0x1f`, `1e3`, `Inf`, `NaN`. Precedence as PromQL: `^` (right
/// associative, tighter than a unary sign), then `*` `/` `%`, then `+` `-`.
enum ScalarArithmetic {
    /// The value of `text`, or nil when it is anything but arithmetic on literals.
    static func evaluate(_ text: String) -> Double? {
        var parser = Parser(Array(text.unicodeScalars))
        guard let value = parser.sum() else { return nil }
        parser.skipSpaces()
        return parser.atEnd ? value : nil
    }

    private struct Parser {
        let scalars: [Unicode.Scalar]
        var position = 0

        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        var atEnd: Bool { position >= scalars.count }

        mutating func skipSpaces() {
            while position < scalars.count, scalars[position] == " " || scalars[position] == "\t" || scalars[position] == "\n" { position += 1 }
        }

        /// The next operator among `operators`, consumed.
        mutating func take(_ operators: Set<Unicode.Scalar>) -> Unicode.Scalar? {
            skipSpaces()
            guard position < scalars.count, operators.contains(scalars[position]) else { return nil }
            position += 1
            return scalars[position - 1]
        }

        mutating func sum() -> Double? {
            guard var value = product() else { return nil }
            while let operation = take(["+", "-"]) {
                guard let right = product() else { return nil }
                value = operation == "+" ? value + right : value - right
            }
            return value
        }

        mutating func product() -> Double? {
            guard var value = unary() else { return nil }
            while let operation = take(["*", "/", "%"]) {
                guard let right = unary() else { return nil }
                switch operation {
                case "*": value *= right
                case "/": value /= right
                default: value = value.truncatingRemainder(dividingBy: right) // Go's math.Mod
                }
            }
            return value
        }

        mutating func unary() -> Double? {
            if let sign = take(["+", "-"]) {
                guard let value = unary() else { return nil }
                return sign == "-" ? -value : value
            }
            return power()
        }

        mutating func power() -> Double? {
            guard let base = primary() else { return nil }
            guard take(["^"]) != nil else { return base }
            guard let exponent = unary() else { return nil }
            return pow(base, exponent)
        }

        mutating func primary() -> Double? {
            skipSpaces()
            if take(["("]) != nil {
                guard let value = sum(), take([")"]) != nil else { return nil }
                return value
            }
            return number()
        }

        /// A decimal, hexadecimal, `Inf` or `NaN` literal.
        mutating func number() -> Double? {
            var token = ""
            while position < scalars.count {
                let scalar = scalars[position]
                let isWord = scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "."
                let isExponentSign =
                    (scalar == "+" || scalar == "-") && (token.hasSuffix("e") || token.hasSuffix("E"))
                    && !token.lowercased().hasPrefix("0x")
                guard isWord || isExponentSign else { break }
                token.unicodeScalars.append(scalar)
                position += 1
            }
            guard let first = token.unicodeScalars.first else { return nil }
            if ("0"..."9").contains(first) || first == "." { return Double(token) }
            switch token.lowercased() {
            case "inf": return .infinity
            case "nan": return .nan
            default: return nil
            }
        }
    }
}
