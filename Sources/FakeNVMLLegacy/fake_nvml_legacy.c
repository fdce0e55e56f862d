// The fake driver as an R470-era libnvidia-ml: same implementation, fewer exports.
#define FAKE_NVML_LEGACY 1
#include "../FakeNVML/fake_nvml.c"
