import CNVML
import Dispatch
import Synchronization
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Waits for Xid events on a dedicated thread (`nvmlEventSetWait_v2` blocks) and counts
/// them per GPU and class, for the collector to report each round.
final class XidWatcher: @unchecked Sendable {
    struct Tally: Sendable {
        var counts: [String: Double] = Dictionary(uniqueKeysWithValues: XidCatalog.classes.map { ($0, 0) })
        var last: Int?
        var lastByClass: [String: Int] = [:]
    }

    private let library: NVMLLibrary
    private let set: nvmlEventSet_t
    private let devices: [(handle: nvmlDevice_t, index: Int)]
    private let tallies: Mutex<[Int: Tally]>
    private let stopped = Atomic<Bool>(false)
    /// Run by the watcher thread after it freed the event set (the collector's NVML shutdown).
    private let afterStop = Mutex<(@Sendable () -> Void)?>(nil)

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
        tallies = Mutex(Dictionary(uniqueKeysWithValues: registered.map { ($0.1, Tally()) }))
        DispatchQueue(label: "headroom.nvml.xid").async { [self] in loop() }
    }

    /// The counts of GPU `index`, nil when it is not watched.
    func tally(_ index: Int) -> Tally? { tallies.withLock { $0[index] } }

    /// Asks the thread to stop (within one wait timeout) and returns at once; the thread
    /// frees the event set and then runs `then` (NVML must not be shut down under a wait).
    /// Never blocks: it runs in deinit, possibly on a Swift concurrency thread.
    func stop(then: @escaping @Sendable () -> Void) {
        afterStop.withLock { $0 = then }
        stopped.store(true, ordering: .releasing)
    }

    private func loop() {
        guard let wait = library.eventSetWait else { return }
        while !stopped.load(ordering: .acquiring) {
            var data = nvmlEventData_t()
            let code = wait(set, &data, 500)
            if code == Int32(HR_NVML_SUCCESS) {
                guard data.eventType & HR_NVML_EVENT_TYPE_XID_CRITICAL != 0,
                    let index = devices.first(where: { $0.handle == data.device })?.index
                else { continue }
                let xid = Int(clamping: data.eventData)
                tallies.withLock { tallies in
                    tallies[index, default: Tally()].counts[XidCatalog.kind(of: xid), default: 0] += 1
                    tallies[index, default: Tally()].last = xid
                    tallies[index, default: Tally()].lastByClass[XidCatalog.kind(of: xid)] = xid
                }
            } else if code != Int32(HR_NVML_ERROR_TIMEOUT) {
                // A driver that fails the wait at once must not spin this thread.
                usleep(1_000_000)
            }
        }
        _ = library.eventSetFree?(set)
        afterStop.withLock { $0.take() }?()
    }
}
