import HeadroomConfigSyntax
import HeadroomCore
import HeadroomNotify

extension ConfigurationRenderer {
    /// One `channels:` entry: the keys every channel has, then its type's own
    /// (`ChannelYAML.render`, in the channel's folder).
    static func render(_ channel: ChannelConfiguration, into out: inout YAMLLines) {
        out.append("  - type: \(channel.settings.type)")
        out.append("    name: \(YAMLText.string(channel.name))")
        out.append("    enabled: \(channel.enabled)")
        out.append("    min_severity: \(channel.minimumSeverity.rawValue)")
        out.append("    send_resolved: \(channel.sendResolved)")
        out.append("    language: \(channel.language.rawValue)")
        if let timeZone = channel.timeZone { out.append("    time_zone: \(YAMLText.string(timeZone))") }
        channel.settings.yaml.render(into: &out)
    }
}

extension ConfigurationRenderer {
    /// `state_dir` (when set) and the `delivery` section.
    static func renderDelivery(_ delivery: DeliverySettings, into out: inout YAMLLines) {
        if let directory = delivery.stateDirectory { out.append("state_dir: \(YAMLText.string(directory))") }
        out.append("delivery:")
        out.append(
            "  deadline: {critical: \(YAMLText.duration(delivery.criticalDeadline)), warning: \(YAMLText.duration(delivery.warningDeadline)), info: \(YAMLText.duration(delivery.infoDeadline))}"
        )
        out.append("  retry: {initial: \(YAMLText.duration(delivery.retry.initial)), maximum: \(YAMLText.duration(delivery.retry.maximum))}")
        out.append("  resolved_after_silence: \(delivery.resolvedAfterSilence)")
        out.append("  group_window: \(YAMLText.duration(delivery.groupWindow))")
        out.blank()
    }
}
