/// How urgent an alert is. Ordered: `info < warning < critical`.
public enum Severity: String, Sendable, Hashable, Comparable, CaseIterable, Codable {
    case info
    case warning
    case critical

    /// 1 … 3, for the engine's inhibition table (0 there means "none firing").
    var inhibitionRank: UInt8 { UInt8(rank + 1) }

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .critical: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}
