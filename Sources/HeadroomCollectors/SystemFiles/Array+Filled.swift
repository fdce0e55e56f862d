extension Array {
    /// `count` copies of `value`, for the arrays a round makes (a file's bytes, a table of
    /// values found). `init(repeating:count:)` and `init(unsafeUninitializedCapacity:)`
    /// allocate through the standard library's one unspecialized entry point, which looks the
    /// array's type up in the runtime's metadata cache on every call (about 370 instructions
    /// and the cache's own code, ten times a round); reserving capacity allocates through code
    /// specialized here, whose type lookup is cached after the first call.
    init(filled value: Element, count: Int) {
        self = []
        reserveCapacity(count)
        append(contentsOf: repeatElement(value, count: count))
    }
}
