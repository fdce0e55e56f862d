/// Settings of a `type: sound` channel: a short tone on a desktop.
public struct SoundConfiguration: Sendable, Hashable {
    public enum Player: String, Sendable, Hashable, CaseIterable {
        /// paplay (PulseAudio/PipeWire), else aplay (ALSA), else the terminal bell.
        case auto
        case paplay
        case aplay
        /// Only the terminal bell.
        case bell
    }

    /// YAML `player:`, default `auto`.
    public var player: Player

    public init(player: Player = .auto) {
        self.player = player
    }
}
