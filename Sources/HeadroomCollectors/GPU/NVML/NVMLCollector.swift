import CNVML
public import HeadroomCore
import Synchronization

/// NVIDIA GPUs through NVML (collector `nvidia`).
///
/// NVML is opened and initialised once, on the first round, and kept: gpustat's
/// init-per-query and GPUtil's nvidia-smi-per-query are what this avoids. No library
/// (no driver, or a container without the NVIDIA runtime): the collector is
/// `unavailable`, logged once; the library is looked for again every 60 rounds. A library
/// whose `nvmlInit_v2` fails (driver not loaded, library/kernel-module mismatch after an
/// upgrade, "Unknown Error" in a container that lost its devices): `gpu_driver_up 0` with
/// the remedy, and init is retried after 1, 2, 4, … 64 rounds.
///
/// A hung call is the runner's business: it quarantines this collector on its own queue,
/// reports it stalled, and never queues another call behind the stuck one.
public final class NVMLCollector: Collector, Sendable {
    public let name = "nvidia"
    /// nvmlInit_v2 and the first enumeration: ~30 s on 8 GPUs without nvidia-persistenced.
    public let startupGraceRounds = 30
    private let libraryPath: String?
    private let directories: [String]
    private let files: any SystemFiles
    private let state = Mutex(State())
    /// Each GPU's label sets, kept from round to round (`GPUSnapshot.samples(labelSets:)`).
    private let labelSets = Mutex<[GPUReading.Identity: GPULabelSets]>([:])

    private struct State: @unchecked Sendable {
        var round = 0
        var library: NVMLLibrary?
        var nextLoadRound = 0
        /// Why the library could not be opened, worded once (each round reports it).
        var loadError: CollectorError?
        var initFailures = 0
        var nextInitRound = 0
        var lastInitError: String?
        var session: Session?
    }

    /// What a successful init gives: the devices and what is read with them.
    private struct Session: @unchecked Sendable {
        var devices: [NVMLDevice]
        var reader: NVMLReader
        var driver: String
        /// GPUs the driver counts but would not hand out, with its answer; asked again each round.
        var unopened: [(index: UInt32, code: nvmlReturn_t)]
        /// Drained at the start of each round; nil when no GPU reports Xid events.
        var xids: XidEvents?
        var processNames: [Int: String] = [:]
        var processes: [Int: ProcessAttribution.Cached] = [:]
    }

    /// - Parameters:
    ///   - libraryPath: `collectors.nvml_library`; nil searches the usual places.
    ///   - files: the host's files, for `/proc/<pid>` process attribution.
    ///   - directories: where to look after the dynamic loader (tests keep the default).
    public init(libraryPath: String?, files: any SystemFiles, directories: [String]? = nil) {
        self.libraryPath = libraryPath
        self.files = files
        self.directories = directories ?? NVMLLibrary.searchDirectories
    }

    /// No call can be in flight here (a call holds the collector), so this never waits
    /// behind a hung one.
    deinit {
        state.withLock { state in
            guard let session = state.session, let library = state.library else { return }
            session.xids?.close()
            _ = library.shutdown()
        }
    }

    public func collect() throws(CollectorError) -> [Sample] {
        let snapshot = try read()
        return labelSets.withLock { snapshot.samples(labelSets: &$0) }
    }

    /// One round's readings, for `headroom gpus` as well as `collect()`.
    public func read() throws(CollectorError) -> GPUSnapshot {
        let result: Result<GPUSnapshot, CollectorError> = state.withLock { state in
            state.round += 1
            if state.library == nil {
                if state.round >= state.nextLoadRound {
                    switch NVMLLibrary.open(explicitPath: libraryPath, directories: directories) {
                    case .success(let library): state.library = library
                    case .failure(let error):
                        state.loadError = libraryPath == nil ? .unavailable(error.description) : .failed(error.description)
                        state.nextLoadRound = state.round + 60
                    }
                }
                guard state.library != nil else { return .failure(state.loadError ?? .unavailable("libnvidia-ml.so.1 not found")) }
            }
            let library = state.library!
            if state.session == nil {
                guard state.round >= state.nextInitRound else {
                    return .success(GPUSnapshot(vendor: "nvidia", driverProblem: state.lastInitError, library: library.path))
                }
                let code = library.initialize()
                guard code == Int32(HR_NVML_SUCCESS) else {
                    state.initFailures += 1
                    state.nextInitRound = state.round + Backoff.steps(afterFailures: state.initFailures, maximum: 64)
                    state.lastInitError = "nvmlInit_v2 failed: \(library.describe(code)). " + Self.remedy(code)
                    return .success(GPUSnapshot(vendor: "nvidia", driverProblem: state.lastInitError, library: library.path))
                }
                guard let session = Self.open(library, failure: &state.lastInitError) else {
                    // Initialised but unable to enumerate: let go of this init and try again
                    // later, like a failed init (a session with no GPUs would never ask again).
                    _ = library.shutdown()
                    state.initFailures += 1
                    state.nextInitRound = state.round + Backoff.steps(afterFailures: state.initFailures, maximum: 64)
                    return .success(GPUSnapshot(vendor: "nvidia", driverProblem: state.lastInitError, library: library.path))
                }
                state.initFailures = 0
                state.lastInitError = nil
                state.session = session
            }
            return .success(read(&state.session!, library: library))
        }
        return try result.get()
    }

    // MARK: - Internals

    /// The devices and their reader; nil, with `failure` set, when the driver will not count them.
    private static func open(_ library: NVMLLibrary, failure: inout String?) -> Session? {
        var count: UInt32 = 0
        let counted = library.deviceCount(&count)
        guard counted == Int32(HR_NVML_SUCCESS) else {
            failure = "nvmlDeviceGetCount_v2 failed: \(library.describe(counted)). " + remedy(counted)
            return nil
        }
        var devices: [NVMLDevice] = []
        var unopened: [(index: UInt32, code: nvmlReturn_t)] = []
        for index in 0..<count {
            var handle: nvmlDevice_t?
            let code = library.handleByIndex(index, &handle)
            guard code == Int32(HR_NVML_SUCCESS), let handle else {
                unopened.append((index, code))
                continue
            }
            devices.append(NVMLDevice(handle: handle, identity: library.identity(of: handle, index: Int(index))))
        }
        let driver = library.driverVersion.map { fn in library.string { fn($0, $1) }.1 } ?? ""
        return Session(
            devices: devices, reader: NVMLReader(library: library), driver: driver, unopened: unopened,
            xids: XidEvents(library: library, devices: devices))
    }

    /// Asks again for the GPUs the driver would not hand out (one cheap call each): one
    /// that answers now (after a reset) is read from this round on, without Xid events
    /// until the next start. The rest are reported: a lost GPU, or any other refusal, as
    /// `gpu_up 0` with the reason (the critical `gpu_lost`); NO_PERMISSION, a GPU that
    /// was not given to this container, is not Headroom's to watch and is only listed
    /// (`headroom gpus`). Returns the stand-in readings of those GPUs, and the skipped ones.
    private static func reopen(_ session: inout Session, library: NVMLLibrary) -> (down: [GPUReading], skipped: [String]) {
        var down: [GPUReading] = []
        var skipped: [String] = []
        var still: [(index: UInt32, code: nvmlReturn_t)] = []
        for (index, previous) in session.unopened {
            var handle: nvmlDevice_t?
            let code = library.handleByIndex(index, &handle)
            // Without a handle the GPU's name and UUID are unknown: its series carries these.
            var reading = GPUReading(
                identity: GPUReading.Identity(
                    index: Int(index), uuid: "GPU-unknown-\(index)", name: "NVIDIA GPU", pciBusID: "", vendor: "nvidia"))
            if code == Int32(HR_NVML_SUCCESS), let handle {
                session.devices.append(NVMLDevice(handle: handle, identity: library.identity(of: handle, index: Int(index))))
                // Once more under the stand-in identity, up: its gpu_lost resolves now, not after stale_after.
                if previous != Int32(HR_NVML_ERROR_NO_PERMISSION) { down.append(reading) }
                continue
            }
            let answer = code == Int32(HR_NVML_SUCCESS) ? previous : code
            still.append((index, answer))
            if answer == Int32(HR_NVML_ERROR_NO_PERMISSION) {
                skipped.append("GPU \(index): \(library.describe(answer))")
                continue
            }
            reading.up = false
            reading.problem =
                answer == Int32(HR_NVML_ERROR_GPU_IS_LOST)
                ? NVMLReader.lostProblem(library.describe(answer))
                : "\(library.describe(answer)): the driver counts this GPU but cannot open it; check dmesg for Xid errors, "
                    + "then reset the GPU (nvidia-smi -r) or reboot"
            down.append(reading)
        }
        session.unopened = still
        if session.devices.count > 1 { session.devices.sort { $0.identity.index < $1.identity.index } }
        return (down, skipped)
    }

    private func read(_ session: inout Session, library: NVMLLibrary) -> GPUSnapshot {
        var snapshot = GPUSnapshot(vendor: "nvidia", driverProblem: nil, library: library.path)
        snapshot.driverVersion = session.driver
        var down: [GPUReading] = []
        if !session.unopened.isEmpty { (down, snapshot.skipped) = Self.reopen(&session, library: library) }
        snapshot.missingSymbols = library.missing
        session.xids?.drain()
        let attribution = ProcessAttribution(files: files)
        var livePIDs: Set<Int> = []
        for device in session.devices {
            var (reading, migs) = session.reader.read(device)
            if reading.up, let answer = session.reader.processes(device) {
                switch answer {
                case .unsettled:
                    break // a list that grew under three reads in a row: the next round reads it
                case .refused(let code):
                    // NOT_SUPPORTED reads like a driver without a list; anything else is a
                    // refusal the user should see, or per-process memory vanishes unexplained.
                    if code != Int32(HR_NVML_ERROR_NOT_SUPPORTED) {
                        reading.processesProblem =
                            "the driver refused the process list: \(library.describe(code)); "
                            + "per-process memory and its attribution are unavailable on this GPU"
                    }
                case .listed(let listed):
                    var processes: [GPUReading.Process] = []
                    var hidden = false
                    for (pid, bytes) in listed {
                        let found: ProcessAttribution.Result
                        if !livePIDs.insert(pid).inserted, let described = session.processes[pid] {
                            // On another GPU already this round (one process, several GPUs): described once.
                            found = described.result
                        } else {
                            let driverName =
                                session.processNames[pid]
                                ?? library.processName.flatMap { fn in
                                    let (code, text) = library.string { fn(UInt32(pid), $0, $1) }
                                    return code == Int32(HR_NVML_SUCCESS) && !text.isEmpty ? text : nil
                                }
                            if let driverName { session.processNames[pid] = driverName }
                            let described = attribution.describe(pid: pid, driverName: driverName, cached: session.processes[pid])
                            session.processes[pid] = described
                            found = described.result
                        }
                        hidden = hidden || !found.visible
                        processes.append(
                            GPUReading.Process(
                                pid: pid, command: found.command, usedBytes: bytes,
                                cgroup: found.cgroup, container: found.container, podUID: found.podUID))
                    }
                    reading.processes = processes.sorted { ($0.usedBytes ?? 0, $1.pid) > ($1.usedBytes ?? 0, $0.pid) }
                    if hidden { reading.attributionProblem = ProcessAttribution.hiddenReason }
                }
            }
            if let tally = session.xids?.tally(device.identity.index) {
                reading.xidCounts = tally.counts
                reading.lastXid = tally.last
                reading.lastXidDescription = tally.last.map(XidCatalog.describe)
                reading.lastXidByClass = tally.lastByClass
            }
            snapshot.gpus.append(reading)
            snapshot.gpus += migs
        }
        if !down.isEmpty {
            snapshot.gpus += down
            snapshot.gpus.sort { ($0.identity.index, $0.identity.gpuInstance ?? -1) < ($1.identity.index, $1.identity.gpuInstance ?? -1) }
        }
        if session.processNames.count > livePIDs.count { session.processNames = session.processNames.filter { livePIDs.contains($0.key) } }
        if session.processes.count > livePIDs.count { session.processes = session.processes.filter { livePIDs.contains($0.key) } }
        return snapshot
    }

    /// What to do about an init failure.
    static func remedy(_ code: nvmlReturn_t) -> String {
        switch code {
        case Int32(HR_NVML_ERROR_DRIVER_NOT_LOADED):
            "The NVIDIA kernel module is not loaded: check `lsmod | grep nvidia` and dmesg, then load or reinstall the driver."
        case Int32(HR_NVML_ERROR_LIB_RM_VERSION_MISMATCH):
            "libnvidia-ml and the loaded kernel module are different versions (the driver was upgraded without a reboot): "
                + "reboot, or stop GPU users and reload the nvidia kernel modules."
        case Int32(HR_NVML_ERROR_NO_PERMISSION):
            "No permission to open the GPU device files (/dev/nvidia*): run Headroom as root or as a member of the group owning them."
        case Int32(HR_NVML_ERROR_UNKNOWN):
            "Inside a container this usually means it lost access to the GPU devices (after `systemctl daemon-reload` on a "
                + "systemd-cgroup host): recreate the container (NVIDIA's notice: nvidia-docker issue 1730). On a host, check dmesg for Xid errors."
        default:
            "Check the driver installation (nvidia-smi) and dmesg."
        }
    }
}
