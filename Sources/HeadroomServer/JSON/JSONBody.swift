import Foundation

/// Encodes response bodies: sorted keys, RFC 3339 times.
enum JSONBody {
    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(value) else { return #"{"error":"could not encode the response"}"# }
        return String(decoding: data, as: UTF8.self)
    }
}
