// Control surface of the fake libnvidia-ml.so.1 used by Headroom's tests.
//
// The library implements NVML's C ABI for every symbol Headroom resolves and plays a
// scripted scenario read from the file `fake-nvml.scenario` next to the library file
// itself (found with dladdr), so each test copies the library into its own directory,
// writes its scenario there and loads it through Headroom's production discovery and
// dlopen path. Copies at different paths are independent instances. The format is
// documented in docs/fake-nvml.md.
#ifndef HEADROOM_FAKE_NVML_H
#define HEADROOM_FAKE_NVML_H

// Moves the scenario to `step` (lines `at N ...` with N <= step apply) and queues the
// Xid events of the steps passed. Takes the driver's lock: it waits for a hung call.
void fake_nvml_set_step(unsigned int step);
// Wakes every call blocked by a `hang` directive and disables further hangs. Never waits
// for the driver's lock, so it can free a hung call.
void fake_nvml_release(void);
// Counters: "init", "shutdown", "inflight", "max_inflight", "hung", "process_calls",
// "event_waits", "device_calls"; -1 for an unknown name. Never waits for the driver's lock.
long fake_nvml_stat(const char *name);
// Blocks until counter `name` is at least `at_least` or `timeout_ms` passed; its value then.
long fake_nvml_wait_stat(const char *name, long at_least, long timeout_ms);

// The fake's own view of NVML's ABI (fake_nvml_abi.h), for comparison with Headroom's.
// The index-th type described, NULL past the last: "nvmlMemory_v2_t", "nvmlDevice_t", ...
const char *fake_nvml_abi_type(unsigned int index);
// sizeof and _Alignof of a described type; -1 for another name.
long fake_nvml_abi_size(const char *type);
long fake_nvml_abi_alignment(const char *type);
// The index-th field of a described struct, in declaration order; NULL past the last.
const char *fake_nvml_abi_field(const char *type, unsigned int index);
// offsetof and sizeof of a field; -1 for another name.
long fake_nvml_abi_offset(const char *type, const char *field);
long fake_nvml_abi_field_size(const char *type, const char *field);
// The index-th constant described, NULL past the last: "NVML_ERROR_GPU_IS_LOST", ...
const char *fake_nvml_abi_constant_name(unsigned int index);
// Writes a described constant's value (as unsigned long long: -1 is all ones) and returns
// 1; returns 0 for another name.
int fake_nvml_abi_constant(const char *name, unsigned long long *value);

#endif
