import HeadroomCollectors
import HeadroomConfig
import HeadroomCore
import HeadroomNotify
import Testing

@Suite("Embedded default configuration")
struct DefaultConfigurationTests {
    @Test("loads with no issue and no warning")
    func loadsCleanly() throws {
        let loaded = try load(nil)
        #expect(loaded.warnings.isEmpty, "\(loaded.warnings)")
    }

    @Test("printed by `config default` and read back as a file, it is the same configuration")
    func printedDefaultLoads() throws {
        let asFile = try load(DefaultConfiguration.yaml)
        #expect(asFile.warnings.isEmpty)
        #expect(asFile.configuration == (try configuration(nil)))
    }

    @Test("an empty document means every default", arguments: ["", "\n\n", "# only a comment\n", "---\n", "{}", "~"])
    func emptyDocument(yaml: String) throws {
        #expect(try configuration(yaml) == (try configuration(nil)))
    }

    @Test("the defaults: 5s interval, system host name, stock collectors and alerting, info text log, one console channel")
    func defaults() throws {
        let configuration = try configuration(nil)
        #expect(configuration.interval == .seconds(5))
        #expect(configuration.hostname == nil)
        #expect(configuration.collectors == CollectorSettings())
        #expect(configuration.policy == AlertPolicy())
        #expect(configuration.log == LogSettings(level: .info, format: .text))
        #expect(configuration.channels == [ChannelConfiguration(name: "console", settings: .console(ConsoleConfiguration()))])
    }

    @Test(
        "a key left empty takes its default",
        arguments: [
            "interval:", "hostname: ~", "collectors:", "collectors: {timeout: null}", "alerting:", "log: {level: }",
            "rules:", "default_rules:", "channels:",
        ])
    func emptyKey(yaml: String) throws {
        #expect(try configuration(yaml) == (try configuration(nil)))
    }
}
