// NVML's C ABI as Headroom uses it: types, constants and function-pointer types.
//
// Headroom never links against libnvidia-ml: it loads the library with dlopen and looks
// every symbol up with dlsym by its versioned name, so the same binary runs on machines
// without a driver. This header is written from the ABI facts (struct layouts, enum
// values) of NVIDIA's public nvml.h; only what Headroom calls is declared.
#ifndef HEADROOM_CNVML_H
#define HEADROOM_CNVML_H

typedef int nvmlReturn_t;               // a C enum: 4 bytes
typedef struct nvmlDevice_st *nvmlDevice_t;
typedef struct nvmlEventSet_st *nvmlEventSet_t;

enum {
    HR_NVML_SUCCESS = 0,
    HR_NVML_ERROR_UNINITIALIZED = 1,
    HR_NVML_ERROR_INVALID_ARGUMENT = 2,
    HR_NVML_ERROR_NOT_SUPPORTED = 3,
    HR_NVML_ERROR_NO_PERMISSION = 4,
    HR_NVML_ERROR_NOT_FOUND = 6,
    HR_NVML_ERROR_INSUFFICIENT_SIZE = 7,
    HR_NVML_ERROR_DRIVER_NOT_LOADED = 9,
    HR_NVML_ERROR_TIMEOUT = 10,
    HR_NVML_ERROR_FUNCTION_NOT_FOUND = 13,
    HR_NVML_ERROR_GPU_IS_LOST = 15,
    HR_NVML_ERROR_RESET_REQUIRED = 16,
    HR_NVML_ERROR_LIB_RM_VERSION_MISMATCH = 18,
    HR_NVML_ERROR_ARGUMENT_VERSION_MISMATCH = 25,
    HR_NVML_ERROR_UNKNOWN = 999,
};

#define HR_NVML_MEMORY_V2_VERSION 0x02000028u        /* sizeof(nvmlMemory_v2_t) | 2 << 24 */
#define HR_NVML_TEMPERATURE_V1_VERSION 0x0100000Cu   /* sizeof(nvmlTemperature_t) | 1 << 24 */
#define HR_NVML_EVENT_TYPE_XID_CRITICAL 0x8ull
#define HR_NVML_VALUE_NOT_AVAILABLE 0xFFFFFFFFFFFFFFFFull

typedef struct {
    unsigned long long total;
    unsigned long long free;
    unsigned long long used;      // since R510: reserved + allocated
} nvmlMemory_t;

typedef struct {
    unsigned int version;
    unsigned long long total;
    unsigned long long reserved;
    unsigned long long free;
    unsigned long long used;      // allocated only: matches nvidia-smi
} nvmlMemory_v2_t;

typedef struct {
    unsigned int gpu;
    unsigned int memory;
} nvmlUtilization_t;

typedef struct {
    char busIdLegacy[16];
    unsigned int domain;
    unsigned int bus;
    unsigned int device;
    unsigned int pciDeviceId;
    unsigned int pciSubSystemId;
    char busId[32];
} nvmlPciInfo_t;

typedef struct {
    unsigned int pid;
    unsigned long long usedGpuMemory;
    unsigned int gpuInstanceId;
    unsigned int computeInstanceId;
} nvmlProcessInfo_t;                  // filled by the _v2 and _v3 process calls

typedef struct {
    unsigned int pid;
    unsigned long long usedGpuMemory;
} nvmlProcessInfo_v1_t;               // filled by the unversioned process call

typedef struct {
    nvmlDevice_t device;
    unsigned long long eventType;
    unsigned long long eventData;     // the Xid number for Xid events
    unsigned int gpuInstanceId;
    unsigned int computeInstanceId;
} nvmlEventData_t;

typedef struct {
    unsigned int version;
    int sensorType;
    int temperature;
} nvmlTemperature_t;

// Function-pointer types, one per symbol (the name dlsym is asked for is in the comment).
typedef nvmlReturn_t (*hr_nvml_void_fn)(void);                                            // nvmlInit_v2, nvmlShutdown
typedef const char *(*hr_nvml_error_string_fn)(nvmlReturn_t);                             // nvmlErrorString
typedef nvmlReturn_t (*hr_nvml_string_fn)(char *, unsigned int);                          // nvmlSystemGetDriverVersion, ..NVMLVersion
typedef nvmlReturn_t (*hr_nvml_int_out_fn)(int *);                                        // nvmlSystemGetCudaDriverVersion_v2
typedef nvmlReturn_t (*hr_nvml_uint_out_fn)(unsigned int *);                              // nvmlDeviceGetCount_v2
typedef nvmlReturn_t (*hr_nvml_handle_by_index_fn)(unsigned int, nvmlDevice_t *);         // nvmlDeviceGetHandleByIndex_v2
typedef nvmlReturn_t (*hr_nvml_device_string_fn)(nvmlDevice_t, char *, unsigned int);     // nvmlDeviceGetName, ..UUID
typedef nvmlReturn_t (*hr_nvml_device_uint_fn)(nvmlDevice_t, unsigned int *);             // power, fan, minor number, ..
typedef nvmlReturn_t (*hr_nvml_device_ull_fn)(nvmlDevice_t, unsigned long long *);        // energy, clock event reasons
typedef nvmlReturn_t (*hr_nvml_device_uint2_fn)(nvmlDevice_t, unsigned int *, unsigned int *); // enc/dec util, MIG mode, ECC mode
typedef nvmlReturn_t (*hr_nvml_device_uint_arg_fn)(nvmlDevice_t, int, unsigned int *);    // temperature, thresholds, clocks
typedef nvmlReturn_t (*hr_nvml_pci_fn)(nvmlDevice_t, nvmlPciInfo_t *);                    // nvmlDeviceGetPciInfo_v3
typedef nvmlReturn_t (*hr_nvml_memory_fn)(nvmlDevice_t, nvmlMemory_t *);                  // nvmlDeviceGetMemoryInfo
typedef nvmlReturn_t (*hr_nvml_memory_v2_fn)(nvmlDevice_t, nvmlMemory_v2_t *);            // nvmlDeviceGetMemoryInfo_v2
typedef nvmlReturn_t (*hr_nvml_utilization_fn)(nvmlDevice_t, nvmlUtilization_t *);        // nvmlDeviceGetUtilizationRates
typedef nvmlReturn_t (*hr_nvml_temperature_v_fn)(nvmlDevice_t, nvmlTemperature_t *);      // nvmlDeviceGetTemperatureV
typedef nvmlReturn_t (*hr_nvml_ecc_count_fn)(nvmlDevice_t, int, int, unsigned long long *); // nvmlDeviceGetTotalEccErrors
typedef nvmlReturn_t (*hr_nvml_remapped_rows_fn)(nvmlDevice_t, unsigned int *, unsigned int *, unsigned int *, unsigned int *);
typedef nvmlReturn_t (*hr_nvml_processes_fn)(nvmlDevice_t, unsigned int *, nvmlProcessInfo_t *);      // .._v3 / .._v2
typedef nvmlReturn_t (*hr_nvml_processes_v1_fn)(nvmlDevice_t, unsigned int *, nvmlProcessInfo_v1_t *); // unversioned
typedef nvmlReturn_t (*hr_nvml_process_name_fn)(unsigned int, char *, unsigned int);      // nvmlSystemGetProcessName
typedef nvmlReturn_t (*hr_nvml_event_set_create_fn)(nvmlEventSet_t *);                    // nvmlEventSetCreate
typedef nvmlReturn_t (*hr_nvml_register_events_fn)(nvmlDevice_t, unsigned long long, nvmlEventSet_t); // nvmlDeviceRegisterEvents
typedef nvmlReturn_t (*hr_nvml_event_wait_fn)(nvmlEventSet_t, nvmlEventData_t *, unsigned int);        // nvmlEventSetWait_v2
typedef nvmlReturn_t (*hr_nvml_event_set_free_fn)(nvmlEventSet_t);                        // nvmlEventSetFree
typedef nvmlReturn_t (*hr_nvml_mig_handle_fn)(nvmlDevice_t, unsigned int, nvmlDevice_t *); // nvmlDeviceGetMigDeviceHandleByIndex

// The symbolic name of a return code ("NVML_ERROR_GPU_IS_LOST"), for messages.
const char *hr_nvml_return_name(int code);

// The file of the shared object that defines `symbol` (dladdr), or NULL.
const char *hr_dl_path_of(void *symbol);

#endif
