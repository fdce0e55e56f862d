public import HeadroomCore

/// A `query_range` answer in the Prometheus API's shape: one series per label set.
public enum RangeMatrix {
    /// One series: its labels (without `__name__`) and its points in time order.
    public struct Series: Sendable, Hashable {
        public var labels: Labels
        public var points: [TimedValue]

        public init(labels: Labels, points: [TimedValue]) {
            self.labels = labels
            self.points = points
        }
    }

    /// Why the daemon gave no matrix.
    public struct Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        public var message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    /// Reads `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{…},"values":[[t,"v"],…]}]}}`.
    /// An error answer (history off, a bad query) throws its `error` text.
    public static func decode(_ body: [UInt8]) throws(Refusal) -> [Series] {
        guard let object = JSONValue.object(body) else { throw Refusal("/api/v1/query_range: the answer is not a JSON object") }
        guard (object["status"] as? String) == "success" else {
            throw Refusal((object["error"] as? String) ?? "/api/v1/query_range: the answer's status is not success")
        }
        guard let data = object["data"] as? [String: Any], let result = data["result"] as? [Any] else {
            throw Refusal("/api/v1/query_range: the answer has no data.result")
        }
        var series: [Series] = []
        for case let entry as [String: Any] in result {
            var labels = JSONValue.labels(entry["metric"])
            labels["__name__"] = nil
            var points: [TimedValue] = []
            for case let pair as [Any] in (entry["values"] as? [Any]) ?? [] where pair.count == 2 {
                guard let time = JSONValue.number(pair[0]), let value = JSONValue.number(pair[1]), value.isFinite else { continue }
                points.append(TimedValue(time: time, value: value))
            }
            series.append(Series(labels: Labels(labels), points: points))
        }
        return series
    }
}
