/// Truncation to a byte budget that never splits a character (pure).
public enum ByteLimit {
    /// The marker appended when text is cut.
    public static let marker = "…(truncated)"

    /// `text` if its UTF-8 form fits `maximum` bytes; otherwise the longest prefix of whole
    /// characters that, followed by `marker`, fits.
    public static func truncate(_ text: String, toBytes maximum: Int, marker: String = ByteLimit.marker) -> String {
        guard text.utf8.count > maximum else { return text }
        let budget = maximum - marker.utf8.count
        guard budget > 0 else { return String(decoding: Array(marker.utf8.prefix(max(0, maximum))), as: UTF8.self) }
        var used = 0
        var end = text.startIndex
        for index in text.indices {
            let size = text[index].utf8.count
            if used + size > budget { break }
            used += size
            end = text.index(after: index)
        }
        return String(text[..<end]) + marker
    }

    /// Truncation to a number of characters (Slack counts characters, not bytes).
    public static func truncate(_ text: String, toCharacters maximum: Int, marker: String = ByteLimit.marker) -> String {
        guard text.count > maximum else { return text }
        return String(text.prefix(max(0, maximum - marker.count))) + marker
    }
}
