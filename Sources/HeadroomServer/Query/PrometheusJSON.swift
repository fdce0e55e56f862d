import HeadroomCore

/// The Prometheus HTTP API's response bodies, built by hand so values keep Go's formatting:
/// `{"status":"success","data":…}` and `{"status":"error","errorType":…,"error":…}`.
enum PrometheusJSON {
    /// One series' points, oldest first.
    typealias Points = [(time: Int64, value: Double)]

    static func success(_ data: String) -> String {
        #"{"status":"success","data":"# + data + "}"
    }

    static func error(_ error: QueryError) -> String {
        var writer = JSONObjectWriter()
        writer.string("status", "error")
        writer.string("errorType", error.type.rawValue)
        writer.string("error", error.message)
        return writer.finish()
    }

    /// `data` of a range query: every series with its points.
    static func matrix(_ series: [(labels: Labels, points: Points)]) -> String {
        let result = series.map { item in
            #"{"metric":"# + labelSet(item.labels) + #","values":["# + item.points.map(point).joined(separator: ",") + "]}"
        }
        return #"{"resultType":"matrix","result":["# + result.joined(separator: ",") + "]}"
    }

    /// `data` of an instant query of a selector: every series with its one point.
    static func vector(_ series: [(labels: Labels, point: (time: Int64, value: Double))]) -> String {
        let result = series.map { item in
            #"{"metric":"# + labelSet(item.labels) + #","value":"# + point(item.point) + "}"
        }
        return #"{"resultType":"vector","result":["# + result.joined(separator: ",") + "]}"
    }

    /// `data` of an instant query of a number.
    static func scalar(time: Int64, value: Double) -> String {
        #"{"resultType":"scalar","result":"# + point((time, value)) + "}"
    }

    /// `[1435781430.781,"1"]`.
    static func point(_ point: (time: Int64, value: Double)) -> String {
        "[" + PrometheusValue.timestamp(point.time) + "," + JSONText.quote(PrometheusValue.format(point.value)) + "]"
    }

    /// `{"__name__":"headroom_x","gpu":"0"}`, in the label set's (sorted) order.
    static func labelSet(_ labels: Labels) -> String {
        var writer = JSONObjectWriter()
        for pair in labels.pairs { writer.string(pair.name, pair.value) }
        return writer.finish()
    }

    /// `["a","b"]`.
    static func strings(_ values: [String]) -> String {
        "[" + values.map(JSONText.quote).joined(separator: ",") + "]"
    }
}
