import Foundation

/// How far back the sparklines look: 5m, 15m, 1h, 6h or 24h.
public enum TopRange: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case fiveMinutes = 300
    case fifteenMinutes = 900
    case oneHour = 3600
    case sixHours = 21_600
    case oneDay = 86_400

    /// The span in seconds.
    public var seconds: Double { Double(rawValue) }

    /// `5m`, `15m`, `1h`, `6h`, `24h`.
    public var description: String {
        switch self {
        case .fiveMinutes: "5m"
        case .fifteenMinutes: "15m"
        case .oneHour: "1h"
        case .sixHours: "6h"
        case .oneDay: "24h"
        }
    }

    /// Parses `5m`, `15m`, `1h`, `6h`, `24h` (also `1d`); nil for anything else.
    public init?(text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed == "1d" {
            self = .oneDay
            return
        }
        guard let match = Self.allCases.first(where: { $0.description == trimmed }) else { return nil }
        self = match
    }

    /// The next longer range, wrapping from 24h to 5m.
    public var next: TopRange {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }

    /// The next shorter range, wrapping from 5m to 24h.
    public var previous: TopRange {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + all.count - 1) % all.count]
    }
}
