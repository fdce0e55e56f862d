/// A value that must never be printed: a URL with a key in it, a token, a signing secret,
/// a password. It renders as `<secret>` in `description`, `debugDescription`, `dump`,
/// string interpolation, logs, errors and `config show`; only `inlineValue` and
/// HeadroomNotify's `reveal()` (which reads the file) give the value.
///
/// The value comes from the configuration (YAML or environment) or from a file (the
/// `*_file` keys), which is read when the value is needed, so a rotated secret is picked
/// up without a restart and neither the configuration layer nor the core does I/O.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Where the value comes from.
    public enum Source: Sendable, Hashable {
        case value(String)
        /// A file whose content (without a trailing newline) is the value.
        case file(String)
    }

    /// What every rendering of a secret shows.
    public static let redacted = "<secret>"

    public let source: Source

    public init(_ value: String) { source = .value(value) }

    public init(source: Source) { self.source = source }

    /// A secret read from `path` when needed.
    public static func file(_ path: String) -> Secret { Secret(source: .file(path)) }

    /// A secret file's content as the value: its bytes without the trailing line end an
    /// editor or `echo` leaves (pure; the readers — HeadroomNotify's `reveal()`, the server's
    /// token check — do the I/O).
    public static func value(ofFile contents: [UInt8]) -> String {
        var text = Substring(String(decoding: contents, as: UTF8.self))
        while let last = text.last, last == "\n" || last == "\r" { text.removeLast() }
        return String(text)
    }

    /// The inline value, or nil when the value lives in a file (for checks that can only be
    /// made on an inline value at load time).
    public var inlineValue: String? {
        if case .value(let value) = source { return value }
        return nil
    }

    public var description: String { Secret.redacted }
    public var debugDescription: String { Secret.redacted }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
