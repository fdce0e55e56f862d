// NVML's C ABI as the fake driver implements it: return codes, struct layouts and constants,
// written on their own from the semantics of NVIDIA's public nvml.h (API version 12), with
// nvml.h's names.
//
// Deliberately NOT Headroom's CNVML header: the fake is the other side of the ABI, so a
// wrong field, size or value in production is caught (NVMLABITests compares the two through
// the `fake_nvml_abi_*` functions) instead of being mirrored. Only what the fake implements
// is declared. Shared by FakeNVML and FakeNVMLLegacy (whose source includes fake_nvml.c).
#ifndef HEADROOM_FAKE_NVML_ABI_H
#define HEADROOM_FAKE_NVML_ABI_H

// MARK: - Return codes (a C enum: int-sized)

typedef enum nvmlReturn_enum {
    NVML_SUCCESS = 0,
    NVML_ERROR_UNINITIALIZED = 1,
    NVML_ERROR_INVALID_ARGUMENT = 2,
    NVML_ERROR_NOT_SUPPORTED = 3,
    NVML_ERROR_NO_PERMISSION = 4,
    NVML_ERROR_ALREADY_INITIALIZED = 5,
    NVML_ERROR_NOT_FOUND = 6,
    NVML_ERROR_INSUFFICIENT_SIZE = 7,
    NVML_ERROR_INSUFFICIENT_POWER = 8,
    NVML_ERROR_DRIVER_NOT_LOADED = 9,
    NVML_ERROR_TIMEOUT = 10,
    NVML_ERROR_IRQ_ISSUE = 11,
    NVML_ERROR_LIBRARY_NOT_FOUND = 12,
    NVML_ERROR_FUNCTION_NOT_FOUND = 13,
    NVML_ERROR_CORRUPTED_INFOROM = 14,
    NVML_ERROR_GPU_IS_LOST = 15,
    NVML_ERROR_RESET_REQUIRED = 16,
    NVML_ERROR_OPERATING_SYSTEM = 17,
    NVML_ERROR_LIB_RM_VERSION_MISMATCH = 18,
    NVML_ERROR_IN_USE = 19,
    NVML_ERROR_MEMORY = 20,
    NVML_ERROR_NO_DATA = 21,
    NVML_ERROR_VGPU_ECC_NOT_SUPPORTED = 22,
    NVML_ERROR_INSUFFICIENT_RESOURCES = 23,
    NVML_ERROR_FREQ_NOT_SUPPORTED = 24,
    NVML_ERROR_ARGUMENT_VERSION_MISMATCH = 25,
    NVML_ERROR_DEPRECATED = 26,
    NVML_ERROR_NOT_READY = 27,
    NVML_ERROR_GPU_NOT_FOUND = 28,
    NVML_ERROR_INVALID_STATE = 29,
    NVML_ERROR_RESET_TYPE_NOT_SUPPORTED = 30,
    NVML_ERROR_UNKNOWN = 999,
} nvmlReturn_t;

// MARK: - Handles (opaque pointers)

typedef struct nvmlDevice_st *nvmlDevice_t;
typedef struct nvmlEventSet_st *nvmlEventSet_t;

// MARK: - Sizes and special values

/// A versioned struct's version word: its size in the low bits, the version in the top byte.
#define NVML_STRUCT_VERSION(data, ver) (unsigned int)(sizeof(nvml##data##_v##ver##_t) | ((unsigned int)(ver) << 24U))

/// What fields that cannot be read hold (an int in nvml.h; all ones in any unsigned field).
#define NVML_VALUE_NOT_AVAILABLE (-1)

#define NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE 32       // nvmlPciInfo_t.busId
#define NVML_DEVICE_PCI_BUS_ID_BUFFER_V2_SIZE 16    // nvmlPciInfo_t.busIdLegacy
#define NVML_DEVICE_NAME_V2_BUFFER_SIZE 96          // the longest nvmlDeviceGetName answer, NUL included
#define NVML_DEVICE_UUID_V2_BUFFER_SIZE 96          // the longest nvmlDeviceGetUUID answer (MIG UUIDs included)
#define NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE 80   // nvmlSystemGetDriverVersion
#define NVML_SYSTEM_NVML_VERSION_BUFFER_SIZE 80     // nvmlSystemGetNVMLVersion

// MARK: - Structs

typedef struct nvmlPciInfo_st {
    char busIdLegacy[NVML_DEVICE_PCI_BUS_ID_BUFFER_V2_SIZE];   // "0000:01:00.0"
    unsigned int domain;
    unsigned int bus;
    unsigned int device;
    unsigned int pciDeviceId;        // device id << 16 | vendor id
    unsigned int pciSubSystemId;
    char busId[NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE];            // "00000000:01:00.0"
} nvmlPciInfo_t;

typedef struct nvmlUtilization_st {
    unsigned int gpu;                // % of the sample period a kernel ran
    unsigned int memory;             // % of it device memory was read or written
} nvmlUtilization_t;

/// nvmlDeviceGetMemoryInfo: `used` counts the driver's reserve (R510 on).
typedef struct nvmlMemory_st {
    unsigned long long total;
    unsigned long long free;
    unsigned long long used;
} nvmlMemory_t;

/// nvmlDeviceGetMemoryInfo_v2: the caller sets `version` to nvmlMemory_v2; `used` is
/// allocations only, the reserve is its own field.
typedef struct nvmlMemory_v2_st {
    unsigned int version;
    unsigned long long total;
    unsigned long long reserved;
    unsigned long long free;
    unsigned long long used;
} nvmlMemory_v2_t;

#define nvmlMemory_v2 NVML_STRUCT_VERSION(Memory, 2)

/// The unversioned process calls' entry.
typedef struct nvmlProcessInfo_v1_st {
    unsigned int pid;
    unsigned long long usedGpuMemory;   // NVML_VALUE_NOT_AVAILABLE when unknown
} nvmlProcessInfo_v1_t;

/// The _v2 and _v3 process calls' entry; the instance ids are all ones outside MIG.
typedef struct nvmlProcessInfo_v2_st {
    unsigned int pid;
    unsigned long long usedGpuMemory;
    unsigned int gpuInstanceId;
    unsigned int computeInstanceId;
} nvmlProcessInfo_v2_t, nvmlProcessInfo_t;

/// nvmlDeviceGetTemperatureV: the caller sets `version` (nvmlTemperature_v1) and `sensorType`.
typedef struct {
    unsigned int version;
    int sensorType;                  // nvmlTemperatureSensors_t, an int-sized enum
    int temperature;                 // °C
} nvmlTemperature_v1_t;

typedef nvmlTemperature_v1_t nvmlTemperature_t;

#define nvmlTemperature_v1 NVML_STRUCT_VERSION(Temperature, 1)

/// What nvmlEventSetWait_v2 fills (the _v2 wait added the instance ids).
typedef struct nvmlEventData_st {
    nvmlDevice_t device;
    unsigned long long eventType;
    unsigned long long eventData;    // the Xid for nvmlEventTypeXidCriticalError
    unsigned int gpuInstanceId;
    unsigned int computeInstanceId;
} nvmlEventData_t;

// MARK: - Enumerations passed as int arguments

#define NVML_TEMPERATURE_GPU 0                          // nvmlTemperatureSensors_t
#define NVML_TEMPERATURE_THRESHOLD_SHUTDOWN 0           // nvmlTemperatureThresholds_t
#define NVML_TEMPERATURE_THRESHOLD_SLOWDOWN 1
#define NVML_CLOCK_GRAPHICS 0                           // nvmlClockType_t
#define NVML_CLOCK_SM 1
#define NVML_CLOCK_MEM 2
#define NVML_MEMORY_ERROR_TYPE_CORRECTED 0              // nvmlMemoryErrorType_t
#define NVML_MEMORY_ERROR_TYPE_UNCORRECTED 1
#define NVML_VOLATILE_ECC 0                             // nvmlEccCounterType_t
#define NVML_AGGREGATE_ECC 1
#define NVML_FEATURE_DISABLED 0                         // nvmlEnableState_t (ECC mode)
#define NVML_FEATURE_ENABLED 1
#define NVML_DEVICE_MIG_DISABLE 0                       // MIG mode
#define NVML_DEVICE_MIG_ENABLE 1

// MARK: - Event types (bit mask, unsigned long long)

#define nvmlEventTypeSingleBitEccError 0x0000000000000001ULL
#define nvmlEventTypeDoubleBitEccError 0x0000000000000002ULL
#define nvmlEventTypePState 0x0000000000000004ULL
#define nvmlEventTypeXidCriticalError 0x0000000000000008ULL

// MARK: - Clock event ("throttle") reasons (bit mask, unsigned long long)

#define nvmlClocksEventReasonGpuIdle 0x0000000000000001ULL
#define nvmlClocksEventReasonApplicationsClocksSetting 0x0000000000000002ULL
#define nvmlClocksEventReasonSwPowerCap 0x0000000000000004ULL
#define nvmlClocksThrottleReasonHwSlowdown 0x0000000000000008ULL
#define nvmlClocksEventReasonSyncBoost 0x0000000000000010ULL
#define nvmlClocksEventReasonSwThermalSlowdown 0x0000000000000020ULL
#define nvmlClocksThrottleReasonHwThermalSlowdown 0x0000000000000040ULL
#define nvmlClocksThrottleReasonHwPowerBrakeSlowdown 0x0000000000000080ULL
#define nvmlClocksEventReasonDisplayClockSetting 0x0000000000000100ULL

#endif
