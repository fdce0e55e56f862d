import HeadroomCore
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The rendered part of `/metrics` that changes only with a new round (samples, alerts, dcgm
/// series), kept per format so scrapes between rounds only copy it.
actor PageCache {
    struct Key: Hashable {
        var sampleTime: Date?
        var format: ExpositionFormat
        var alerts: [String]
    }

    private var pages: [ExpositionFormat: (key: Key, body: String)] = [:]

    func page(for key: Key, render: @Sendable () -> String) -> String {
        if let cached = pages[key.format], cached.key == key { return cached.body }
        let body = render()
        pages[key.format] = (key, body)
        return body
    }
}
