import HeadroomConfig
import HeadroomConfigSyntax
import HeadroomCore
import HeadroomNotify
import Testing

@Suite("Delivery settings in the configuration")
struct DeliveryDecoderTests {
    @Test("defaults: no state_dir (resolved at start), critical 24h, warning 6h, info 1h, retry 1s..5m")
    func defaults() throws {
        #expect(try configuration(nil).delivery == DeliverySettings())
        #expect(DeliverySettings().deadline(for: .critical) == .seconds(86_400))
    }

    @Test("YAML and environment; config show round-trips")
    func decodes() throws {
        let loaded = try configuration(
            """
            state_dir: /srv/headroom
            delivery: {deadline: {critical: 48h, info: 10m}, retry: {initial: 2s, maximum: 1m}}
            """, environment: ["HEADROOM_STATE_DIR": "/var/lib/hr", "HEADROOM_DELIVERY_DEADLINE_WARNING": "2h"])
        #expect(
            loaded.delivery
                == DeliverySettings(
                    stateDirectory: "/var/lib/hr", criticalDeadline: .seconds(172_800), warningDeadline: .seconds(7200),
                    infoDeadline: .seconds(600), retry: Backoff(initial: .seconds(2), maximum: .seconds(60))))
        let rendered = ConfigurationRenderer.yaml(loaded)
        #expect(rendered.contains("state_dir: /var/lib/hr"))
        #expect(try configuration(rendered) == loaded)
    }

    @Test("problems: a relative state_dir, a maximum below the initial delay")
    func problems() {
        #expect(issue(at: "state_dir", in: issues("state_dir: state"))?.message == "must be an absolute path such as /var/lib/headroom")
        #expect(issue(at: "delivery.retry.maximum", in: issues("delivery: {retry: {initial: 10s, maximum: 1s}}"))?.message == "must be at least retry.initial")
    }
}
