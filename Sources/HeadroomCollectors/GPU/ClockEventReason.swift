/// NVML's clock-event ("throttle") reason bits, with the class rules match on.
public struct ClockEventReason: Sendable, Hashable {
    public var bit: UInt64
    /// Label value: `sw_power_cap`, `hw_thermal_slowdown`, …
    public var name: String
    /// `thermal`, `power` (power brake), `hardware` (alert-worthy), `power_cap` (the board at its
    /// power limit: normal at full load, no default rule) or `info` (idle, app clocks, sync boost).
    public var kind: String

    /// The bits of NVML's header, in bit order.
    public static let all: [ClockEventReason] = [
        ClockEventReason(bit: 0x1, name: "gpu_idle", kind: "info"),
        ClockEventReason(bit: 0x2, name: "applications_clocks_setting", kind: "info"),
        ClockEventReason(bit: 0x4, name: "sw_power_cap", kind: "power_cap"),
        ClockEventReason(bit: 0x8, name: "hw_slowdown", kind: "hardware"),
        ClockEventReason(bit: 0x10, name: "sync_boost", kind: "info"),
        ClockEventReason(bit: 0x20, name: "sw_thermal_slowdown", kind: "thermal"),
        ClockEventReason(bit: 0x40, name: "hw_thermal_slowdown", kind: "thermal"),
        ClockEventReason(bit: 0x80, name: "hw_power_brake_slowdown", kind: "power"),
        ClockEventReason(bit: 0x100, name: "display_clock_setting", kind: "info"),
    ]

    /// The active reasons' names in `mask`, `none` when empty.
    public static func names(in mask: UInt64) -> [String] {
        let active = all.filter { mask & $0.bit != 0 }.map(\.name)
        return active.isEmpty ? ["none"] : active
    }
}
