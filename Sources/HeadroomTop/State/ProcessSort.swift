/// The column the process list is sorted by.
public enum ProcessSort: String, Sendable, Hashable, CaseIterable {
    case memory
    case pid
    case command
    case gpu

    /// The next column for the cycle key (`s`).
    public var next: ProcessSort {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }

    /// The natural direction: largest memory first, smallest PID, command and GPU first.
    public var descendingByDefault: Bool { self == .memory }
}
