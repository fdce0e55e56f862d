import CNVML

/// The driver's Xid events, counted per GPU and class for the collector to report.
///
/// NVML keeps each event in the set until a wait takes it. The round drains the set with
/// waits of 0 ms, which answer at once (`NVML_ERROR_TIMEOUT` once it is empty), so no
/// thread waits in the driver between rounds and an Xid is counted in the first round after
/// it: the counts were only ever read by the round. Not thread-safe: the collector's lock
/// guards it.
final class XidEvents {
    struct Tally: Sendable {
        var counts: [String: Double] = Dictionary(uniqueKeysWithValues: XidCatalog.classes.map { ($0, 0) })
        var last: Int?
        var lastByClass: [String: Int] = [:]

        mutating func record(_ xid: Int) {
            let kind = XidCatalog.kind(of: xid)
            counts[kind, default: 0] += 1
            last = xid
            lastByClass[kind] = xid
        }
    }

    /// The most events one round takes; the rest wait for the next round. A driver that
    /// never says the set is empty must not keep the round in the drain.
    static let perRound = 1024

    private let library: NVMLLibrary
    private let set: nvmlEventSet_t
    private let devices: [(handle: nvmlDevice_t, index: Int)]
    private var tallies: [Int: Tally]

    /// Registers every device that supports Xid events; nil when none does (or the driver
    /// has no event API).
    init?(library: NVMLLibrary, devices: [NVMLDevice]) {
        guard let create = library.eventSetCreate, let register = library.registerEvents,
            library.eventSetWait != nil, let free = library.eventSetFree
        else { return nil }
        var created: nvmlEventSet_t?
        guard create(&created) == Int32(HR_NVML_SUCCESS), let created else { return nil }
        var registered: [(nvmlDevice_t, Int)] = []
        for device in devices {
            var supported: UInt64 = HR_NVML_EVENT_TYPE_XID_CRITICAL
            if let types = library.supportedEventTypes, types(device.handle, &supported) != Int32(HR_NVML_SUCCESS) { continue }
            guard supported & HR_NVML_EVENT_TYPE_XID_CRITICAL != 0 else { continue }
            let code = register(device.handle, HR_NVML_EVENT_TYPE_XID_CRITICAL, created)
            if code == Int32(HR_NVML_SUCCESS) {
                registered.append((device.handle, device.identity.index))
            } else if code == Int32(HR_NVML_ERROR_UNKNOWN) {
                // The set is in an undefined state after UNKNOWN (NVML's documentation): give up on events.
                _ = free(created)
                return nil
            }
        }
        guard !registered.isEmpty else {
            _ = free(created)
            return nil
        }
        self.library = library
        set = created
        self.devices = registered.map { (handle: $0.0, index: $0.1) }
        tallies = Dictionary(uniqueKeysWithValues: registered.map { ($0.1, Tally()) })
    }

    /// Takes the events waiting in the set (at most `perRound`) and counts them. A wait
    /// that fails ends the drain until the next round, so a driver that refuses every wait
    /// costs one call a round.
    func drain() {
        guard let wait = library.eventSetWait else { return }
        for _ in 0..<Self.perRound {
            var data = nvmlEventData_t()
            guard wait(set, &data, 0) == Int32(HR_NVML_SUCCESS) else { return }
            guard data.eventType & HR_NVML_EVENT_TYPE_XID_CRITICAL != 0,
                let index = devices.first(where: { $0.handle == data.device })?.index
            else { continue }
            tallies[index, default: Tally()].record(Int(clamping: data.eventData))
        }
    }

    /// The counts of GPU `index`, nil when it is not watched.
    func tally(_ index: Int) -> Tally? { tallies[index] }

    /// Frees the event set, which must happen before NVML is shut down.
    func close() { _ = library.eventSetFree?(set) }
}
