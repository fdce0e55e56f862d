// The fake driver as an R470-era libnvidia-ml: same implementation, fewer exports. Its NVML
// declarations are FakeNVML's own fake_nvml_abi.h, found next to the included source.
#define FAKE_NVML_LEGACY 1
#include "../FakeNVML/fake_nvml.c"
