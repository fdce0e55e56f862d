import HeadroomCore
import Testing

@testable import HeadroomServer

@Suite("History selection")
struct HistorySelectionTests {
    let gpu0 = SeriesKey("gpu_memory_used_bytes", Labels(["gpu": "0"]))
    let gpu1 = SeriesKey("gpu_memory_used_bytes", Labels(["gpu": "1"]))
    let cpu = SeriesKey("cpu_used_percent")

    func select(_ text: String) throws -> [SeriesKey] {
        HistorySelection.select([cpu, gpu1, gpu0], [try SelectorSyntax.parse(text)])
    }

    @Test("a selector names series with or without the headroom_ prefix")
    func prefix() throws {
        #expect(try select("gpu_memory_used_bytes") == [gpu0, gpu1])
        #expect(try select("headroom_gpu_memory_used_bytes") == [gpu0, gpu1])
        #expect(try select(#"{__name__="headroom_cpu_used_percent"}"#) == [cpu])
        #expect(try select(#"{__name__=~"gpu_.*"}"#) == [gpu0, gpu1])
        #expect(try select(#"{__name__=~"headroom_gpu_.*",gpu!="1"}"#) == [gpu0])
        #expect(try select("headroom_headroom_cpu_used_percent").isEmpty)
    }

    @Test("a negative name matcher leaves a series out when either of its names matches")
    func negative() throws {
        #expect(try select(#"{__name__=~".+",__name__!~"gpu_.*"}"#) == [cpu])
        #expect(try select(#"{__name__=~".+",__name__!="headroom_cpu_used_percent"}"#) == [gpu0, gpu1])
        #expect(try select(#"{__name__=~".+",__name__!="cpu_used_percent"}"#) == [gpu0, gpu1])
    }

    @Test("the API shows the exposed name as __name__")
    func labels() {
        #expect(HistorySelection.exposedLabels(gpu0) == Labels(["__name__": "headroom_gpu_memory_used_bytes", "gpu": "0"]))
    }
}
