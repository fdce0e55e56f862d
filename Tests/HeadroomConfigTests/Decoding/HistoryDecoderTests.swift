import HeadroomConfig
import HeadroomConfigSyntax
import HeadroomCore
import Testing

@Suite("History settings in the configuration")
struct HistoryDecoderTests {
    @Test("defaults: on, 7 days of samples, 30 of one-minute buckets, 1 GiB, a 10 s flush, in the state directory")
    func defaults() throws {
        let settings = try configuration(nil).history
        #expect(settings == HistorySettings())
        #expect(settings.enabled && settings.retention == .seconds(7 * 86_400) && settings.maxBytes == 1 << 30)
        #expect(settings.rollupRetention == .seconds(30 * 86_400))
        #expect(settings.flushInterval == .seconds(10) && settings.path == nil)
    }

    @Test("YAML and environment; config show round-trips")
    func decodes() throws {
        let loaded = try configuration(
            "history: {retention: 14d, max_bytes: 512MiB, path: /srv/headroom/history.db}",
            environment: ["HEADROOM_HISTORY_FLUSH_INTERVAL": "30s", "HEADROOM_HISTORY_MAX_BYTES": "2GB"])
        #expect(
            loaded.history
                == HistorySettings(
                    retention: .seconds(14 * 86_400), maxBytes: 2_000_000_000, flushInterval: .seconds(30),
                    path: "/srv/headroom/history.db"))
        let rendered = ConfigurationRenderer.yaml(loaded)
        #expect(rendered.contains("max_bytes: 2000000000"))
        #expect(try configuration(rendered) == loaded)
        #expect(try configuration("history: {enabled: false}").history.enabled == false)
        let rollups = try configuration("history: {rollup_retention: 90d}", environment: ["HEADROOM_HISTORY_RETENTION": "2d"])
        #expect(rollups.history.rollupRetention == .seconds(90 * 86_400) && rollups.history.retention == .seconds(2 * 86_400))
        #expect(ConfigurationRenderer.yaml(rollups).contains("rollup_retention: 2160h"))
        #expect(try configuration(nil, environment: ["HEADROOM_HISTORY_ROLLUP_RETENTION": "0s"]).history.rollupRetention == .zero)
        #expect(try configuration(nil, environment: ["HEADROOM_HISTORY_ENABLED": "false"]).history.enabled == false)
    }

    @Test("sizes: bytes, decimal and binary units, with or without a space")
    func sizes() {
        #expect(HistorySettings.parseBytes("1048576") == 1 << 20)
        #expect(HistorySettings.parseBytes("512MiB") == 512 << 20)
        #expect(HistorySettings.parseBytes("2 GiB") == 2 << 30)
        #expect(HistorySettings.parseBytes("500MB") == 500_000_000)
        #expect(HistorySettings.parseBytes("64KiB") == 65_536)
        for bad in ["", "MiB", "1.5GiB", "-1", "12 parsecs", "99999999999TiB"] {
            #expect(HistorySettings.parseBytes(bad) == nil, "\(bad)")
        }
        #expect(HistorySettings.formatBytes(1 << 30) == "1GiB")
        #expect(HistorySettings.formatBytes(3 << 20) == "3MiB")
        #expect(HistorySettings.formatBytes(1000) == "1000")
    }

    @Test("problems name the key and say what is expected")
    func problems() {
        #expect(
            issue(at: "history.max_bytes", in: issues("history: {max_bytes: lots}"))?.message
                == "expected a size of at least 1MiB such as 512MiB, 1GiB or 2GB, got \"lots\"")
        #expect(issue(at: "history.max_bytes", in: issues("history: {max_bytes: 1KiB}")) != nil)
        #expect(issue(at: "history.path", in: issues("history: {path: history.db}"))?.message.contains("absolute") == true)
        #expect(issue(at: "history.retention", in: issues("history: {retention: 10m}"))?.message.contains("at least 1h") == true)
        #expect(issue(at: "history.flush_interval", in: issues("history: {flush_interval: 1h}"))?.message.contains("at most 10m") == true)
        #expect(issue(at: "history.retension", in: issues("history: {retension: 7d}"))?.suggestion?.contains("retention") == true)
        #expect(
            issue(at: "history.rollup_retention", in: issues("history: {retention: 14d, rollup_retention: 7d}"))?.message
                == "expected 0s (no one-minute tier) or at least history.retention (336h): the one-minute tier keeps what is older than the samples, got \"168h\""
        )
        let fromEnvironment = issues(nil, environment: ["HEADROOM_HISTORY_RETENTION": "soon"])
        #expect(fromEnvironment.first?.origin == "env HEADROOM_HISTORY_RETENTION")
    }
}
