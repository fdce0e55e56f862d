/// One key press, decoded from the terminal's bytes.
public enum TopKey: Sendable, Hashable {
    case character(Character)
    case left
    case right
    case up
    case down
    case pageUp
    case pageDown
    case home
    case end
    case tab
    case backTab
    case escape
    /// Ctrl-C (the terminal is in raw mode, so it arrives as a byte, not a signal).
    case interrupt
    /// Ctrl-Z: suspend to the shell, as a cooked terminal would.
    case suspend
    /// Ctrl-L: draw the whole screen again.
    case refresh

    /// Decodes what one read from the terminal returned: printable characters, control
    /// keys and the usual escape sequences (`ESC [ A` or `ESC O A` for the arrows, `ESC [ 5 ~`
    /// for page up, `ESC [ Z` for shift-Tab). Unknown sequences are dropped whole.
    public static func decode(_ bytes: [UInt8]) -> [TopKey] {
        var keys: [TopKey] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case 0x1B:
                guard index < bytes.count, bytes[index] == 0x5B || bytes[index] == 0x4F else {
                    keys.append(.escape)
                    continue
                }
                index += 1
                var parameters: [UInt8] = []
                while index < bytes.count, (0x30...0x3F).contains(bytes[index]) {
                    parameters.append(bytes[index])
                    index += 1
                }
                guard index < bytes.count else { break }
                let final = bytes[index]
                index += 1
                if let key = sequence(final: final, parameters: parameters) { keys.append(key) }
            case 0x03: keys.append(.interrupt)
            case 0x1A: keys.append(.suspend)
            case 0x0C: keys.append(.refresh)
            case 0x09: keys.append(.tab)
            case 0x20...0x7E: keys.append(.character(Character(Unicode.Scalar(byte))))
            default: continue
            }
        }
        return keys
    }

    private static func sequence(final: UInt8, parameters: [UInt8]) -> TopKey? {
        switch (final, String(decoding: parameters, as: UTF8.self)) {
        case (0x41, _): .up
        case (0x42, _): .down
        case (0x43, _): .right
        case (0x44, _): .left
        case (0x48, _): .home
        case (0x46, _): .end
        case (0x5A, _): .backTab
        case (0x7E, "5"): .pageUp
        case (0x7E, "6"): .pageDown
        case (0x7E, "1"), (0x7E, "7"): .home
        case (0x7E, "4"), (0x7E, "8"): .end
        default: nil
        }
    }
}
