/// The two text formats `/metrics` speaks.
public enum ExpositionFormat: Sendable, Hashable {
    /// Prometheus text format 0.0.4 (the default).
    case prometheusText
    /// OpenMetrics 1.0 text, when the scraper's `Accept` header asks for it.
    case openMetrics

    /// The `Content-Type` of a page in this format.
    public var contentType: String {
        switch self {
        case .prometheusText: "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }

    /// Content negotiation: OpenMetrics when the `Accept` header lists
    /// `application/openmetrics-text` with a non-zero quality, otherwise Prometheus text.
    public static func negotiate(accept: String?) -> ExpositionFormat {
        guard let accept else { return .prometheusText }
        for range in accept.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: " \t") }
            guard parts.first?.lowercased() == "application/openmetrics-text" else { continue }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if quality > 0 { return .openMetrics }
        }
        return .prometheusText
    }
}

extension StringProtocol {
    /// The text without leading and trailing characters from `set`.
    func trimmingCharacters(in set: String) -> String {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
