/// Settings of a `type: console` channel.
public struct ConsoleConfiguration: Sendable, Hashable {
    public enum Stream: String, Sendable, Hashable, CaseIterable { case stdout, stderr }
    public enum ColorMode: String, Sendable, Hashable, CaseIterable { case auto, always, never }

    /// YAML `stream:`, default `stdout`.
    public var stream: Stream
    /// YAML `color:`, default `auto` (colour only when the stream is a TTY and NO_COLOR is unset).
    public var color: ColorMode

    public init(stream: Stream = .stdout, color: ColorMode = .auto) {
        self.stream = stream
        self.color = color
    }
}
