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
// Xid events of the steps passed.
void fake_nvml_set_step(unsigned int step);
// Wakes every call blocked by a `hang` directive and disables further hangs.
void fake_nvml_release(void);
// Counters: "init", "shutdown", "inflight", "max_inflight", "hung", "process_calls",
// "event_waits", "device_calls"; -1 for an unknown name.
long fake_nvml_stat(const char *name);

#endif
