import CNVML
@testable import HeadroomCollectors
import HeadroomTesting
import Testing

/// Headroom's NVML declarations (`CNVML`) against the fake driver's own
/// (`Sources/FakeNVML/fake_nvml_abi.h`, written separately from NVIDIA's nvml.h): every type
/// whose bytes cross the ABI and every constant both sides use must agree, or production
/// would read the wrong bytes from a real driver while the tests, mirroring the mistake,
/// stayed green. The fake describes its side through its exported `fake_nvml_abi_*`
/// functions, reached with dlsym in the loaded library.
@Suite("NVML ABI: CNVML against the fake driver's own declarations")
struct NVMLABITests {
    /// One type as production sees it: `size` is the stride Swift arrays of it use.
    struct Layout {
        var size: Int
        var alignment: Int
        var fields: [Field] = []
    }

    struct Field: Equatable, CustomStringConvertible {
        var name: String
        var offset: Int?
        var size: Int
        var description: String { "\(name)@\(offset.map(String.init) ?? "?")+\(size)" }
    }

    static func layout<T>(_: T.Type, _ fields: [Field] = []) -> Layout {
        Layout(size: MemoryLayout<T>.stride, alignment: MemoryLayout<T>.alignment, fields: fields)
    }

    static func field<T, V>(_ name: String, _ path: KeyPath<T, V>) -> Field {
        Field(name: name, offset: MemoryLayout<T>.offset(of: path), size: MemoryLayout<V>.size)
    }

    /// Every type production passes to or reads from NVML, by nvml.h's name.
    static let production: [String: Layout] = [
        "nvmlReturn_t": layout(nvmlReturn_t.self),
        "nvmlDevice_t": layout(nvmlDevice_t.self),
        "nvmlEventSet_t": layout(nvmlEventSet_t.self),
        "nvmlPciInfo_t": layout(
            nvmlPciInfo_t.self,
            [
                field("busIdLegacy", \nvmlPciInfo_t.busIdLegacy), field("domain", \nvmlPciInfo_t.domain),
                field("bus", \nvmlPciInfo_t.bus), field("device", \nvmlPciInfo_t.device),
                field("pciDeviceId", \nvmlPciInfo_t.pciDeviceId), field("pciSubSystemId", \nvmlPciInfo_t.pciSubSystemId),
                field("busId", \nvmlPciInfo_t.busId),
            ]),
        "nvmlUtilization_t": layout(
            nvmlUtilization_t.self,
            [
                field("gpu", \nvmlUtilization_t.gpu), field("memory", \nvmlUtilization_t.memory),
            ]),
        "nvmlMemory_t": layout(
            nvmlMemory_t.self,
            [
                field("total", \nvmlMemory_t.total), field("free", \nvmlMemory_t.free), field("used", \nvmlMemory_t.used),
            ]),
        "nvmlMemory_v2_t": layout(
            nvmlMemory_v2_t.self,
            [
                field("version", \nvmlMemory_v2_t.version), field("total", \nvmlMemory_v2_t.total),
                field("reserved", \nvmlMemory_v2_t.reserved), field("free", \nvmlMemory_v2_t.free),
                field("used", \nvmlMemory_v2_t.used),
            ]),
        "nvmlProcessInfo_v1_t": layout(
            nvmlProcessInfo_v1_t.self,
            [
                field("pid", \nvmlProcessInfo_v1_t.pid), field("usedGpuMemory", \nvmlProcessInfo_v1_t.usedGpuMemory),
            ]),
        "nvmlProcessInfo_t": layout(
            nvmlProcessInfo_t.self,
            [
                field("pid", \nvmlProcessInfo_t.pid), field("usedGpuMemory", \nvmlProcessInfo_t.usedGpuMemory),
                field("gpuInstanceId", \nvmlProcessInfo_t.gpuInstanceId),
                field("computeInstanceId", \nvmlProcessInfo_t.computeInstanceId),
            ]),
        "nvmlTemperature_t": layout(
            nvmlTemperature_t.self,
            [
                field("version", \nvmlTemperature_t.version), field("sensorType", \nvmlTemperature_t.sensorType),
                field("temperature", \nvmlTemperature_t.temperature),
            ]),
        "nvmlEventData_t": layout(
            nvmlEventData_t.self,
            [
                field("device", \nvmlEventData_t.device), field("eventType", \nvmlEventData_t.eventType),
                field("eventData", \nvmlEventData_t.eventData), field("gpuInstanceId", \nvmlEventData_t.gpuInstanceId),
                field("computeInstanceId", \nvmlEventData_t.computeInstanceId),
            ]),
    ]

    /// Production's value of each constant both sides name, by nvml.h's name: CNVML's
    /// `HR_NVML_*`, and the bits of `ClockEventReason` (Headroom's own table of nvml.h's).
    static let productionConstants: [String: UInt64] = {
        var constants: [String: UInt64] = [
            "NVML_SUCCESS": UInt64(HR_NVML_SUCCESS),
            "NVML_ERROR_UNINITIALIZED": UInt64(HR_NVML_ERROR_UNINITIALIZED),
            "NVML_ERROR_INVALID_ARGUMENT": UInt64(HR_NVML_ERROR_INVALID_ARGUMENT),
            "NVML_ERROR_NOT_SUPPORTED": UInt64(HR_NVML_ERROR_NOT_SUPPORTED),
            "NVML_ERROR_NO_PERMISSION": UInt64(HR_NVML_ERROR_NO_PERMISSION),
            "NVML_ERROR_NOT_FOUND": UInt64(HR_NVML_ERROR_NOT_FOUND),
            "NVML_ERROR_INSUFFICIENT_SIZE": UInt64(HR_NVML_ERROR_INSUFFICIENT_SIZE),
            "NVML_ERROR_DRIVER_NOT_LOADED": UInt64(HR_NVML_ERROR_DRIVER_NOT_LOADED),
            "NVML_ERROR_TIMEOUT": UInt64(HR_NVML_ERROR_TIMEOUT),
            "NVML_ERROR_FUNCTION_NOT_FOUND": UInt64(HR_NVML_ERROR_FUNCTION_NOT_FOUND),
            "NVML_ERROR_GPU_IS_LOST": UInt64(HR_NVML_ERROR_GPU_IS_LOST),
            "NVML_ERROR_RESET_REQUIRED": UInt64(HR_NVML_ERROR_RESET_REQUIRED),
            "NVML_ERROR_LIB_RM_VERSION_MISMATCH": UInt64(HR_NVML_ERROR_LIB_RM_VERSION_MISMATCH),
            "NVML_ERROR_ARGUMENT_VERSION_MISMATCH": UInt64(HR_NVML_ERROR_ARGUMENT_VERSION_MISMATCH),
            "NVML_ERROR_UNKNOWN": UInt64(HR_NVML_ERROR_UNKNOWN),
            "nvmlMemory_v2": UInt64(HR_NVML_MEMORY_V2_VERSION),
            "nvmlTemperature_v1": UInt64(HR_NVML_TEMPERATURE_V1_VERSION),
            "NVML_VALUE_NOT_AVAILABLE": HR_NVML_VALUE_NOT_AVAILABLE,
            "nvmlEventTypeXidCriticalError": HR_NVML_EVENT_TYPE_XID_CRITICAL,
        ]
        let reasons = [
            "gpu_idle": "nvmlClocksEventReasonGpuIdle",
            "applications_clocks_setting": "nvmlClocksEventReasonApplicationsClocksSetting",
            "sw_power_cap": "nvmlClocksEventReasonSwPowerCap",
            "hw_slowdown": "nvmlClocksThrottleReasonHwSlowdown",
            "sync_boost": "nvmlClocksEventReasonSyncBoost",
            "sw_thermal_slowdown": "nvmlClocksEventReasonSwThermalSlowdown",
            "hw_thermal_slowdown": "nvmlClocksThrottleReasonHwThermalSlowdown",
            "hw_power_brake_slowdown": "nvmlClocksThrottleReasonHwPowerBrakeSlowdown",
            "display_clock_setting": "nvmlClocksEventReasonDisplayClockSetting",
        ]
        for reason in ClockEventReason.all {
            constants[reasons[reason.name] ?? "unmapped ClockEventReason \(reason.name)"] = reason.bit
        }
        return constants
    }()

    /// The string buffers the fake can fill to the brim: production's buffer must hold each.
    static let stringBuffers = [
        "NVML_DEVICE_NAME_V2_BUFFER_SIZE", "NVML_DEVICE_UUID_V2_BUFFER_SIZE", "NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE",
    ]

    /// The fake's description of its ABI, read through its exported functions.
    struct FakeABI {
        typealias Names = @convention(c) (UInt32) -> UnsafePointer<CChar>?
        typealias Measure = @convention(c) (UnsafePointer<CChar>) -> Int
        typealias FieldNames = @convention(c) (UnsafePointer<CChar>, UInt32) -> UnsafePointer<CChar>?
        typealias MeasureField = @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>) -> Int
        typealias Constant = @convention(c) (UnsafePointer<CChar>, UnsafeMutablePointer<UInt64>) -> Int32

        let types: [String: Layout]
        let constants: [String: UInt64]

        init(_ fake: FakeNVML) throws {
            func list(_ next: (UInt32) -> UnsafePointer<CChar>?) -> [String] {
                var names: [String] = []
                while let name = next(UInt32(names.count)) { names.append(String(cString: name)) }
                return names
            }
            let typeName = try fake.function("fake_nvml_abi_type", as: Names.self)
            let size = try fake.function("fake_nvml_abi_size", as: Measure.self)
            let alignment = try fake.function("fake_nvml_abi_alignment", as: Measure.self)
            let fieldName = try fake.function("fake_nvml_abi_field", as: FieldNames.self)
            let offset = try fake.function("fake_nvml_abi_offset", as: MeasureField.self)
            let fieldSize = try fake.function("fake_nvml_abi_field_size", as: MeasureField.self)
            let constantName = try fake.function("fake_nvml_abi_constant_name", as: Names.self)
            let constant = try fake.function("fake_nvml_abi_constant", as: Constant.self)
            var types: [String: Layout] = [:]
            for type in list({ typeName($0) }) {
                let fields = list { index in type.withCString { fieldName($0, index) } }.map { field in
                    type.withCString { t in
                        field.withCString { f in Field(name: field, offset: offset(t, f), size: fieldSize(t, f)) }
                    }
                }
                types[type] = type.withCString { Layout(size: size($0), alignment: alignment($0), fields: fields) }
            }
            var constants: [String: UInt64] = [:]
            for name in list({ constantName($0) }) {
                var value: UInt64 = 0
                if name.withCString({ constant($0, &value) }) == 1 { constants[name] = value }
            }
            self.types = types
            self.constants = constants
        }
    }

    @Test(
        "every type: the same size, alignment, field order, offsets and field sizes on both sides",
        arguments: [FakeNVML.Variant.current, .legacy])
    func layouts(variant: FakeNVML.Variant) throws {
        let fake = try FakeABI(FakeNVML(scenario: "", variant: variant))
        #expect(Set(fake.types.keys) == Set(Self.production.keys), "the types one side declares and the other does not")
        for (name, theirs) in fake.types.sorted(by: { $0.key < $1.key }) {
            guard let ours = Self.production[name] else { continue }
            #expect(ours.size == theirs.size, "sizeof(\(name))")
            #expect(ours.alignment == theirs.alignment, "_Alignof(\(name))")
            #expect(ours.fields == theirs.fields, "\(name)'s fields")
        }
    }

    @Test(
        "every constant both use has the same value; return codes have production's names",
        arguments: [FakeNVML.Variant.current, .legacy])
    func constants(variant: FakeNVML.Variant) throws {
        let fake = try FakeABI(FakeNVML(scenario: "", variant: variant))
        let named = fake.constants.filter { !Self.stringBuffers.contains($0.key) }
        for (name, value) in named.sorted(by: { $0.key < $1.key }) {
            if name == "NVML_SUCCESS" || name.hasPrefix("NVML_ERROR_") {
                // Production words every code through hr_nvml_return_name, CNVML constant or not.
                #expect(String(cString: hr_nvml_return_name(Int32(value))) == name, "the name production gives \(value)")
            }
            guard !name.hasPrefix("NVML_ERROR_") || Self.productionConstants[name] != nil else { continue }
            #expect(Self.productionConstants[name] == value, "\(name)")
        }
        // Nothing production names is missing from the fake's side.
        #expect(Set(Self.productionConstants.keys).subtracting(named.keys).isEmpty)
        #expect(Self.stringBuffers.allSatisfy { fake.constants[$0] != nil })
    }

    @Test("a versioned struct's version word is its own size with the version in the top byte, on both sides")
    func versionWords() throws {
        let fake = try FakeABI(FakeNVML(scenario: ""))
        #expect(UInt64(HR_NVML_MEMORY_V2_VERSION) == UInt64(MemoryLayout<nvmlMemory_v2_t>.size) | 2 << 24)
        #expect(UInt64(HR_NVML_TEMPERATURE_V1_VERSION) == UInt64(MemoryLayout<nvmlTemperature_t>.size) | 1 << 24)
        #expect(fake.constants["nvmlMemory_v2"] == UInt64(try #require(fake.types["nvmlMemory_v2_t"]).size) | 2 << 24)
        #expect(fake.constants["nvmlTemperature_v1"] == UInt64(try #require(fake.types["nvmlTemperature_t"]).size) | 1 << 24)
    }

    @Test("the buffer production hands string calls holds the longest name, UUID and driver version NVML writes")
    func stringBuffer() throws {
        let fake = try FakeNVML(scenario: "")
        let abi = try FakeABI(fake)
        let library = try NVMLLibrary.open(explicitPath: fake.libraryPath).get()
        var length: UInt32 = 0
        _ = library.string { _, size in
            length = size
            return nvmlReturn_t(HR_NVML_SUCCESS)
        }
        for name in Self.stringBuffers {
            let needed = try #require(abi.constants[name])
            #expect(UInt64(length) >= needed, "\(name) is \(needed) bytes")
        }
    }
}
