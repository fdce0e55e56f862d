/// What an Xid number means and whose fault it usually is, after dcgm-exporter's table.
public enum XidCatalog {
    /// `hardware` (board, memory, bus, firmware: page someone), `application` (a kernel
    /// faulted: the service's bug) or `other`.
    public static let classes = ["hardware", "application", "other"]

    private static let table: [Int: (String, String)] = [
        13: ("graphics engine exception", "application"),
        31: ("GPU memory page fault", "application"),
        43: ("GPU stopped processing", "application"),
        45: ("preemptive cleanup, due to previous errors", "application"),
        48: ("double-bit ECC error", "hardware"),
        61: ("internal micro-controller breakpoint/warning", "hardware"),
        62: ("internal micro-controller halt", "hardware"),
        63: ("ECC page retirement or row remapping recording event", "hardware"),
        64: ("ECC page retirement or row remapper recording failure", "hardware"),
        68: ("NVDEC0 exception", "application"),
        74: ("NVLink error", "hardware"),
        79: ("GPU has fallen off the bus", "hardware"),
        92: ("high single-bit ECC error rate", "hardware"),
        94: ("contained ECC error", "hardware"),
        95: ("uncontained ECC error", "hardware"),
        119: ("GSP RPC timeout", "hardware"),
        120: ("GSP error", "hardware"),
    ]

    /// The class of `xid`.
    public static func kind(of xid: Int) -> String { table[xid]?.1 ?? "other" }

    /// `Xid 79: GPU has fallen off the bus`.
    public static func describe(_ xid: Int) -> String {
        if xid == 999 { return "Xid (unknown number)" }
        guard let (meaning, _) = table[xid] else { return "Xid \(xid)" }
        return "Xid \(xid): \(meaning)"
    }
}
