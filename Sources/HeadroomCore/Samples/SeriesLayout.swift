/// The series of a round, in order: what consecutive rounds share while their series do not
/// change. A round's samples are compared with the previous layout once (`of(_:reusing:)`),
/// and every consumer that recognises the layout it saw last (the alert engine, the history
/// store) takes each sample's series by position instead of comparing names and labels again;
/// a round also travels to the history's writer as its values alone.
///
/// Immutable and shared by reference: a consumer recognises a layout it has seen by identity.
public final class SeriesLayout: Sendable {
    public let keys: [SeriesKey]

    public init(_ keys: [SeriesKey]) {
        self.keys = keys
    }

    /// `previous` when `samples` are its series in its order (compared name by name and label
    /// by label, no hashing), else a new layout of them.
    public static func of(_ samples: [Sample], reusing previous: SeriesLayout?) -> SeriesLayout {
        if let previous, previous.matches(samples) { return previous }
        return SeriesLayout(samples.map(\.key))
    }

    /// Whether `samples` are this layout's series, in its order.
    public func matches(_ samples: [Sample]) -> Bool {
        guard samples.count == keys.count else { return false }
        for index in samples.indices where keys[index].name != samples[index].name || keys[index].labels != samples[index].labels {
            return false
        }
        return true
    }
}
