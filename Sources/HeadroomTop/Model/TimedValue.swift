/// One point of a series: Unix time in seconds and the value.
public struct TimedValue: Sendable, Hashable {
    public var time: Double
    public var value: Double

    public init(time: Double, value: Double) {
        self.time = time
        self.value = value
    }
}
