public import HeadroomCore
import Synchronization

/// AMD GPUs through amdgpu's sysfs files only (collector `amdgpu`): no ROCm library.
///
/// Cards are `/sys/class/drm/cardN` (`N` any number of digits; `card0-DP-1` entries are
/// connectors) whose `device/vendor` is `0x1002`. Series use the NVIDIA names with
/// `vendor="amd"`, so the same rules apply. A file that fails to read (amdgpu answers
/// EPERM while the GPU resets or sleeps) leaves its metric absent for that round.
public final class AMDGPUCollector: Collector, Sendable {
    public let name = "amdgpu"
    private let files: any SystemFiles
    private let cards = Mutex<(list: [AMDGPUCard]?, round: Int)>((nil, 0))
    /// Each GPU's label sets, kept from round to round (`GPUSnapshot.samples(labelSets:)`).
    private let labelSets = Mutex<[GPUReading.Identity: GPULabelSets]>([:])

    private let noDevice: CollectorError

    public init(files: any SystemFiles) {
        self.files = files
        noDevice = .unavailable("no amdgpu device under \(files.describe("/sys/class/drm")) (no AMD GPU, or /sys not mounted there)")
    }

    public func collect() throws(CollectorError) -> [Sample] {
        let snapshot = try read()
        return labelSets.withLock { snapshot.samples(labelSets: &$0) }
    }

    /// One round's readings, for `headroom gpus` as well as `collect()`.
    public func read() throws(CollectorError) -> GPUSnapshot {
        let found: [AMDGPUCard] = cards.withLock { state in
            state.round += 1
            // Discovery is cheap but not free: once per 60 rounds while nothing is found.
            if state.list == nil || (state.list!.isEmpty && state.round % 60 == 0) {
                state.list = AMDGPUCard.discover(files)
            }
            return state.list!
        }
        guard !found.isEmpty else { throw noDevice }
        var snapshot = GPUSnapshot(vendor: "amd", driverProblem: nil, library: files.describe("/sys/class/drm"))
        snapshot.gpus = found.map { $0.read(files) }
        return snapshot
    }
}

/// One amdgpu card's sysfs directory and identity.
struct AMDGPUCard: Sendable, Hashable {
    var index: Int
    var device: String
    var hwmon: String?
    var identity: GPUReading.Identity

    static func discover(_ files: any SystemFiles) -> [AMDGPUCard] {
        guard let entries = files.listDirectory("/sys/class/drm") else { return [] }
        var out: [AMDGPUCard] = []
        for entry in entries where entry.hasPrefix("card") {
            guard let index = Int(entry.dropFirst(4)), entry.dropFirst(4).allSatisfy(\.isNumber) else { continue }
            let device = "/sys/class/drm/\(entry)/device"
            guard text(files, device + "/vendor")?.lowercased() == "0x1002" else { continue }
            let hwmon = files.listDirectory(device + "/hwmon")?.first { $0.hasPrefix("hwmon") }.map { device + "/hwmon/" + $0 }
            var bus = ""
            let uevent = (try? files.read(device + "/uevent")).flatMap { $0.map { String(decoding: $0, as: UTF8.self) } } ?? ""
            for line in uevent.split(separator: "\n") where line.hasPrefix("PCI_SLOT_NAME=") {
                bus = String(line.dropFirst("PCI_SLOT_NAME=".count))
            }
            let name =
                text(files, device + "/product_name").flatMap { $0.isEmpty ? nil : $0 }
                ?? "AMD GPU " + (text(files, device + "/device") ?? "?")
            let uuid = text(files, device + "/unique_id").map { "AMD-" + $0 } ?? (bus.isEmpty ? "card\(index)" : bus)
            out.append(
                AMDGPUCard(
                    index: index, device: device, hwmon: hwmon,
                    identity: GPUReading.Identity(index: index, uuid: uuid, name: name, pciBusID: bus, vendor: "amd")))
        }
        return out.sorted { $0.index < $1.index }
    }

    func read(_ files: any SystemFiles) -> GPUReading {
        var reading = GPUReading(identity: identity)
        func number(_ path: String) -> Double? { Self.text(files, path).flatMap { Double($0) } }
        reading.memoryTotal = number(device + "/mem_info_vram_total")
        reading.memoryUsed = number(device + "/mem_info_vram_used")
        if let total = reading.memoryTotal, let used = reading.memoryUsed { reading.memoryFree = max(0, total - used) }
        reading.utilization = number(device + "/gpu_busy_percent")
        reading.memoryUtilization = number(device + "/mem_busy_percent")
        if let hwmon {
            // The edge sensor when labelled (SOC15 boards also have junction and mem), else temp1.
            var sensor = "temp1"
            for candidate in ["temp1", "temp2", "temp3"] where Self.text(files, "\(hwmon)/\(candidate)_label") == "edge" {
                sensor = candidate
            }
            reading.temperature = number("\(hwmon)/\(sensor)_input").map { $0 / 1000 }
            reading.temperatureSlowdown = number("\(hwmon)/\(sensor)_crit").map { $0 / 1000 }
            reading.temperatureShutdown = number("\(hwmon)/\(sensor)_emergency").map { $0 / 1000 }
            reading.power = (number("\(hwmon)/power1_average") ?? number("\(hwmon)/power1_input")).map { $0 / 1_000_000 }
            reading.powerLimit = number("\(hwmon)/power1_cap").map { $0 / 1_000_000 }
            reading.fanSpeed = number("\(hwmon)/pwm1").map { ($0 / 255 * 1000).rounded() / 10 }
            reading.smClock = number("\(hwmon)/freq1_input")
            reading.memoryClock = number("\(hwmon)/freq2_input")
        }
        return reading
    }

    /// The file's first line, trimmed; nil when missing or unreadable (EPERM during a reset).
    static func text(_ files: any SystemFiles, _ path: String) -> String? {
        guard let bytes = try? files.read(path) else { return nil }
        let line = String(decoding: bytes.prefix { $0 != 10 }, as: UTF8.self)
        return line.trimming(" \t\r")
    }
}

extension String {
    func trimming(_ set: String) -> String {
        var view = Substring(self)
        while let first = view.first, set.contains(first) { view = view.dropFirst() }
        while let last = view.last, set.contains(last) { view = view.dropLast() }
        return String(view)
    }
}
