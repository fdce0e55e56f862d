import Foundation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A private copy of the fake `libnvidia-ml.so.1` (built by this package from
/// `Sources/FakeNVML`) with its scenario, for one test.
///
/// The copy lives in its own directory, so it is a separate instance of the library even
/// when tests run in parallel; Headroom loads it through its production path (the
/// configured `collectors.nvml_library`, or `LD_LIBRARY_PATH` for a child process). This
/// object opens the same file to reach the fake's control functions: the dynamic loader
/// hands both the same instance.
public final class FakeNVML: @unchecked Sendable {
    /// Which driver generation to play.
    public enum Variant: String, Sendable {
        /// Every symbol Headroom resolves (an R550-era driver).
        case current = "libFakeNVML.so"
        /// No `_v2` memory, `TemperatureV`, `ClocksEventReasons` or `_v3` process calls (R470-era).
        case legacy = "libFakeNVMLLegacy.so"
    }

    /// The directory holding the copy and its scenario.
    public let directory: String
    /// `<directory>/libnvidia-ml.so.1`.
    public let libraryPath: String
    private let handle: UnsafeMutableRawPointer
    private let setStepFunction: @convention(c) (UInt32) -> Void
    private let releaseFunction: @convention(c) () -> Void
    private let statFunction: @convention(c) (UnsafePointer<CChar>) -> Int
    private let waitStatFunction: @convention(c) (UnsafePointer<CChar>, Int, Int) -> Int

    /// The directory the package's build products are in (next to the running test binary).
    public static var buildDirectory: String {
        if let override = ProcessInfo.processInfo.environment["HEADROOM_BUILD_DIR"] { return override }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return (executable as NSString).deletingLastPathComponent
    }

    /// Copies the built fake into a fresh directory with `scenario` (the format is in
    /// `docs/fake-nvml.md`).
    public init(scenario: String, variant: Variant = .current) throws {
        let source = Self.buildDirectory + "/" + variant.rawValue
        guard FileManager.default.fileExists(atPath: source) else {
            throw FakeNVMLError("\(source) is missing: build the package (swift build) first")
        }
        directory = NSTemporaryDirectory() + "headroom-fake-nvml-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/libnvidia-ml.so.1"
        libraryPath = path
        try FileManager.default.copyItem(atPath: source, toPath: path)
        try scenario.write(toFile: directory + "/fake-nvml.scenario", atomically: true, encoding: .utf8)
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw FakeNVMLError("dlopen \(path): " + (dlerror().map { String(cString: $0) } ?? "failed"))
        }
        self.handle = handle
        func symbol<T>(_ name: String, _ type: T.Type) throws -> T {
            guard let pointer = dlsym(handle, name) else { throw FakeNVMLError("\(path) has no \(name)") }
            return unsafeBitCast(pointer, to: type)
        }
        setStepFunction = try symbol("fake_nvml_set_step", (@convention(c) (UInt32) -> Void).self)
        releaseFunction = try symbol("fake_nvml_release", (@convention(c) () -> Void).self)
        statFunction = try symbol("fake_nvml_stat", (@convention(c) (UnsafePointer<CChar>) -> Int).self)
        waitStatFunction = try symbol("fake_nvml_wait_stat", (@convention(c) (UnsafePointer<CChar>, Int, Int) -> Int).self)
    }

    deinit {
        releaseFunction()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Moves the scenario to `step`: `at N` lines with N ≤ step apply; Xid events of the
    /// steps passed are queued for registered devices.
    public func setStep(_ step: Int) { setStepFunction(UInt32(step)) }

    /// Wakes every call blocked by a `hang` line and disables further hangs. Safe while a
    /// call hangs (it does not need the driver's lock, which the hung call keeps).
    public func release() { releaseFunction() }

    /// A counter of the fake, readable while a call hangs: `init`, `shutdown`, `hung` (calls
    /// that blocked on a `hang`), `inflight` and `max_inflight` (NVML calls inside the library
    /// at once, those waiting behind a hung one included), `process_calls`, `event_waits`,
    /// `longest_event_wait_ms` (the longest timeout an event wait asked for), `device_calls`.
    public func stat(_ name: String) -> Int { name.withCString { statFunction($0) } }

    /// Waits until the counter `name` (as `stat`) is at least `value`, woken by the fake when a
    /// counter changes (no polling); gives up after `timeout`. The counter's value then. The
    /// wait blocks a thread of its own, never one of Swift concurrency's.
    public func wait(until name: String, atLeast value: Int, timeout: Duration = .seconds(30)) async -> Int {
        let milliseconds = Int(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        let wait = waitStatFunction
        return await withCheckedContinuation { (done: CheckedContinuation<Int, Never>) in
            let thread = Thread { done.resume(returning: name.withCString { wait($0, value, milliseconds) }) }
            thread.start()
        }
    }

    /// A function this instance exports, as `type` (a `@convention(c)` function type): an
    /// NVML call to make directly, or one of the `fake_nvml_abi_*` descriptions. Throws when
    /// the library has no such symbol (the legacy variant lacks some NVML calls).
    public func function<T>(_ name: String, as type: T.Type) throws -> T {
        guard let pointer = dlsym(handle, name) else { throw FakeNVMLError("\(libraryPath) has no \(name)") }
        return unsafeBitCast(pointer, to: type)
    }
}

public struct FakeNVMLError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
