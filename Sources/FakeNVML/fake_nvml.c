// A fake libnvidia-ml.so.1: NVML's C ABI driven by a scripted scenario (format: docs/fake-nvml.md).
//
// Built twice: as FakeNVML (a current driver, every symbol) and, with FAKE_NVML_LEGACY
// defined, as FakeNVMLLegacy (an R470-era driver without nvmlDeviceGetMemoryInfo_v2,
// nvmlDeviceGetTemperatureV, nvmlDeviceGetCurrentClocksEventReasons and the _v3 process
// calls), so tests exercise Headroom's dlsym fallbacks against a real shared object.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// The fake's own declarations of NVML's ABI (never Headroom's CNVML: see fake_nvml_abi.h),
// and its control surface, so the definitions below are checked against their prototypes.
#include "fake_nvml_abi.h"
#include "include/FakeNVML.h"

#define EXPORT __attribute__((visibility("default")))
#define MAX_GPUS 16
#define MAX_MIG 7
#define MAX_PROCS 64
#define MAX_LINES 2048
#define MAX_NAMES 64
#define MAX_EVENTS 2048 /* more than a round of Headroom takes (XidEvents.perRound) */
#define MAX_ERRORS 64

enum group {
    G_MEMORY, G_UTILIZATION, G_ENCODER, G_DECODER, G_TEMPERATURE, G_THRESHOLDS, G_FAN, G_POWER, G_POWER_LIMIT,
    G_ENERGY, G_CLOCKS, G_PSTATE, G_REASONS, G_ECC, G_REMAP, G_MIG, G_PROCESSES, G_PCI, G_NAME, G_UUID, G_COUNT
};
static const char *group_names[G_COUNT] = {
    "memory", "utilization", "encoder", "decoder", "temperature", "thresholds", "fan", "power", "power_limit",
    "energy", "clocks", "pstate", "reasons", "ecc", "remap", "mig", "processes", "pci", "name", "uuid",
};

struct proc { unsigned int pid; unsigned long long bytes; };

// A scripted answer: the exported function named `call` returns `code` (`error` lines).
struct scripted { char call[64]; int code; };

struct mig {
    int present;
    unsigned int gi, ci;
    unsigned long long total, used;
    char uuid[NVML_DEVICE_UUID_V2_BUFFER_SIZE];
};

struct gpu {
    char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE], uuid[NVML_DEVICE_UUID_V2_BUFFER_SIZE], bus[NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE];
    unsigned long long total, used, reserved;
    unsigned int util, memutil, enc, dec;
    int temp;
    unsigned int slowdown, shutdown, fan;
    unsigned int power, power_limit;
    unsigned long long energy;
    unsigned int smclock, memclock, pstate;
    unsigned long long reasons;
    unsigned int ecc_mode;
    unsigned long long ecc_corrected, ecc_uncorrected;
    unsigned int remap_corr, remap_unc, remap_pending, remap_failure;
    unsigned int mig_mode;
    struct mig migs[MAX_MIG];
    struct proc procs[MAX_PROCS];
    int nprocs;
    int grow;
    int lost;
    int handle_error;
    int unsupported[G_COUNT];
    int hang[G_COUNT];
    struct scripted errors[MAX_ERRORS];   // `gpu I error CALL CODE`
    int nerrors;
    int registered;
};

struct name_entry { unsigned int pid; char name[96]; };

// The device handle NVML hands out: an address inside these arrays.
struct handle { int gpu; int mig; };   // mig = -1 for the whole GPU
static struct handle gpu_handles[MAX_GPUS];
static struct handle mig_handles[MAX_GPUS][MAX_MIG];

// The driver's one lock: every NVML call holds it while it runs, and a hung call keeps it,
// so a hang blocks every other call as a stuck real driver does.
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t event_cond = PTHREAD_COND_INITIALIZER;
// What a hung call waits on, apart from `lock` so that fake_nvml_release can wake it
// while it holds `lock`. `released` is guarded by hang_lock.
static pthread_mutex_t hang_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hang_cond = PTHREAD_COND_INITIALIZER;
static int released;

static int loaded;
static char *lines[MAX_LINES];
static unsigned int line_steps[MAX_LINES];
static int nlines;
static unsigned int applied_step;
static int step_applied;
static long auto_step_ms;
static struct timespec init_time;

static char driver_version[NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE] = "550.54.15";
static char nvml_version[NVML_SYSTEM_NVML_VERSION_BUFFER_SIZE] = "12.550.54.15";
static int cuda_version = 12040;
static int init_code;
static int init_failures_left = -1;   // -1: fail forever when init_code != 0
static int count_override = -1;
static int ngpus;
static struct gpu gpus[MAX_GPUS];
static struct name_entry names[MAX_NAMES];
static int nnames;
static int hang_seconds = 30;
static struct scripted errors[MAX_ERRORS];   // `error CALL CODE`, every GPU
static int nerrors;

static int initialized;
// Counters are atomics, read without `lock`: fake_nvml_stat answers while a hang holds it.
static atomic_long stat_init, stat_shutdown, stat_inflight, stat_max_inflight, stat_hung, stat_process_calls,
    stat_event_waits, stat_longest_event_wait_ms, stat_device_calls;
// fake_nvml_wait_stat's waiters: a counter that changes wakes them (stat_changed), and costs
// nothing more while nobody waits (the GPU benchmark times calls through this library).
static pthread_mutex_t stat_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t stat_cond = PTHREAD_COND_INITIALIZER;
static atomic_int stat_waiters;

static void stat_changed(void) {
    if (atomic_load(&stat_waiters) == 0) return;
    pthread_mutex_lock(&stat_lock);
    pthread_cond_broadcast(&stat_cond);
    pthread_mutex_unlock(&stat_lock);
}

struct event { int gpu; unsigned long long xid; };
static struct event events[MAX_EVENTS];
static int nevents;
static int event_set_exists;

// MARK: - Scenario

static void scenario_path(char *out, size_t size) {
    Dl_info info;
    if (dladdr((void *)&scenario_path, &info) && info.dli_fname) {
        const char *slash = strrchr(info.dli_fname, '/');
        if (slash) {
            snprintf(out, size, "%.*s/fake-nvml.scenario", (int)(slash - info.dli_fname), info.dli_fname);
            return;
        }
    }
    snprintf(out, size, "fake-nvml.scenario");
}

static int group_named(const char *name) {
    for (int i = 0; i < G_COUNT; i++) if (strcmp(group_names[i], name) == 0) return i;
    return -1;
}

static struct gpu *gpu_at(int index) {
    if (index < 0 || index >= MAX_GPUS) return NULL;
    if (index >= ngpus) ngpus = index + 1;
    return &gpus[index];
}

static void default_gpu(int i) {
    struct gpu *g = &gpus[i];
    memset(g, 0, sizeof *g);
    snprintf(g->name, sizeof g->name, "NVIDIA L4");
    snprintf(g->uuid, sizeof g->uuid, "GPU-%08x-1111-2222-3333-%012x", 0xfacef00du + i, i);
    snprintf(g->bus, sizeof g->bus, "00000000:%02X:00.0", 0x01 + i);
    g->total = 24ull << 30;
    g->temp = 40;
    g->slowdown = 90;
    g->shutdown = 95;
    g->fan = 30;
    g->power = 30000;
    g->power_limit = 72000;
    g->smclock = 1500;
    g->memclock = 6251;
    g->pstate = 0;
    g->reasons = nvmlClocksEventReasonGpuIdle;
}

// Whether this library exports `call` (the legacy variant lacks some), to catch typos.
static int exports(const char *call) {
    Dl_info info;
    if (!dladdr((void *)&exports, &info) || !info.dli_fname) return 1;
    void *self = dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD);
    if (!self) return 1;
    int found = dlsym(self, call) != NULL;
    dlclose(self);
    return found;
}

// Adds "CALL CODE" to a table of scripted answers; a later line for the same call replaces it.
static void script_error(struct scripted *table, int *count, char *text) {
    char call[64];
    int code;
    if (sscanf(text, "%63s %d", call, &code) != 2) return;
    if (!exports(call)) {
        fprintf(stderr, "fake-nvml: `error %s`: this library has no such function\n", call);
        return;
    }
    int i = 0;
    while (i < *count && strcmp(table[i].call, call) != 0) i++;
    if (i == *count) {
        if (*count == MAX_ERRORS) return;
        (*count)++;
    }
    snprintf(table[i].call, sizeof table[i].call, "%s", call);
    table[i].code = code;
}

// What `call` is scripted to answer on GPU `g` (NULL for calls without a device): the GPU's
// own line first, then an every-GPU line; NVML_SUCCESS when there is none.
static nvmlReturn_t scripted_error(const char *call, const struct gpu *g) {
    if (g) {
        for (int i = 0; i < g->nerrors; i++) if (strcmp(g->errors[i].call, call) == 0) return (nvmlReturn_t)g->errors[i].code;
    }
    for (int i = 0; i < nerrors; i++) if (strcmp(errors[i].call, call) == 0) return (nvmlReturn_t)errors[i].code;
    return NVML_SUCCESS;
}

#define SET_ULL(field) else if (strcmp(key, #field) == 0) g->field = strtoull(value, NULL, 0)
#define SET_UINT(field) else if (strcmp(key, #field) == 0) g->field = (unsigned int)strtoul(value, NULL, 0)

// Applies one "gpu I KEY VALUE..." directive (tokens after "gpu").
static void apply_gpu(char *rest, int deliver) {
    char *save = NULL;
    char *index_text = strtok_r(rest, " \t", &save);
    char *key = strtok_r(NULL, " \t", &save);
    char *value = strtok_r(NULL, "", &save);
    if (!index_text || !key) return;
    struct gpu *g = gpu_at(atoi(index_text));
    if (!g) return;
    if (!value) value = "";
    while (*value == ' ' || *value == '\t') value++;
    if (strcmp(key, "name") == 0) snprintf(g->name, sizeof g->name, "%s", value);
    else if (strcmp(key, "uuid") == 0) snprintf(g->uuid, sizeof g->uuid, "%s", value);
    else if (strcmp(key, "bus") == 0) snprintf(g->bus, sizeof g->bus, "%s", value);
    else if (strcmp(key, "temp") == 0) g->temp = atoi(value);
    SET_ULL(total); SET_ULL(used); SET_ULL(reserved); SET_ULL(energy); SET_ULL(reasons);
    SET_ULL(ecc_corrected); SET_ULL(ecc_uncorrected);
    SET_UINT(util); SET_UINT(memutil); SET_UINT(enc); SET_UINT(dec); SET_UINT(slowdown); SET_UINT(shutdown);
    SET_UINT(fan); SET_UINT(power); SET_UINT(power_limit); SET_UINT(smclock); SET_UINT(memclock); SET_UINT(pstate);
    SET_UINT(ecc_mode); SET_UINT(remap_corr); SET_UINT(remap_unc); SET_UINT(remap_pending); SET_UINT(remap_failure);
    SET_UINT(mig_mode);
    else if (strcmp(key, "grow") == 0) g->grow = atoi(value);
    else if (strcmp(key, "lost") == 0) g->lost = value[0] ? atoi(value) : 1;
    else if (strcmp(key, "handle_error") == 0) g->handle_error = atoi(value);
    else if (strcmp(key, "error") == 0) script_error(g->errors, &g->nerrors, value);
    else if (strcmp(key, "unsupported") == 0 || strcmp(key, "supported") == 0 || strcmp(key, "hang") == 0) {
        int on = strcmp(key, "supported") != 0;
        int *table = strcmp(key, "hang") == 0 ? g->hang : g->unsupported;
        char *save2 = NULL;
        for (char *word = strtok_r(value, " \t", &save2); word; word = strtok_r(NULL, " \t", &save2)) {
            int group = group_named(word);
            if (group >= 0) table[group] = on;
        }
    } else if (strcmp(key, "procs") == 0) {
        g->nprocs = 0;
        char *save2 = NULL;
        for (char *word = strtok_r(value, " \t", &save2); word && g->nprocs < MAX_PROCS; word = strtok_r(NULL, " \t", &save2)) {
            char *colon = strchr(word, ':');
            if (!colon) continue;
            g->procs[g->nprocs].pid = (unsigned int)strtoul(word, NULL, 10);
            g->procs[g->nprocs].bytes = strtoull(colon + 1, NULL, 0);
            g->nprocs++;
        }
    } else if (strcmp(key, "mig") == 0) {
        // gpu I mig K GI CI TOTAL USED
        unsigned int k, gi, ci;
        unsigned long long total, used;
        if (sscanf(value, "%u %u %u %llu %llu", &k, &gi, &ci, &total, &used) == 5 && k < MAX_MIG) {
            struct mig *m = &g->migs[k];
            m->present = 1; m->gi = gi; m->ci = ci; m->total = total; m->used = used;
            snprintf(m->uuid, sizeof m->uuid, "MIG-%08x-aaaa-bbbb-cccc-%012x", 0xb16b00b5u + (unsigned)(g - gpus), k);
        }
    } else if (strcmp(key, "xid") == 0) {
        // Delivered once, when the scenario moves past this line's step, to registered devices.
        if (deliver && g->registered && nevents < MAX_EVENTS) {
            events[nevents].gpu = (int)(g - gpus);
            events[nevents].xid = strtoull(value, NULL, 10);
            nevents++;
            pthread_cond_broadcast(&event_cond);
        }
    }
}

static void apply_line(char *text, int deliver) {
    char copy[1024];
    snprintf(copy, sizeof copy, "%s", text);
    char *save = NULL;
    char *word = strtok_r(copy, " \t", &save);
    if (!word) return;
    char *rest = strtok_r(NULL, "", &save);
    if (!rest) rest = "";
    while (*rest == ' ' || *rest == '\t') rest++;
    if (strcmp(word, "gpu") == 0) {
        apply_gpu(rest, deliver);
    } else if (strcmp(word, "driver") == 0) snprintf(driver_version, sizeof driver_version, "%s", rest);
    else if (strcmp(word, "nvml") == 0) snprintf(nvml_version, sizeof nvml_version, "%s", rest);
    else if (strcmp(word, "cuda") == 0) cuda_version = atoi(rest);
    else if (strcmp(word, "count") == 0) count_override = atoi(rest);
    else if (strcmp(word, "error") == 0) script_error(errors, &nerrors, rest);
    else if (strcmp(word, "hang_seconds") == 0) hang_seconds = atoi(rest);
    else if (strcmp(word, "auto_step_ms") == 0) auto_step_ms = atol(rest);
    else if (strcmp(word, "gpus") == 0) {
        int n = atoi(rest);
        for (int i = 0; i < n && i < MAX_GPUS; i++) gpu_at(i);
    } else if (strcmp(word, "pname") == 0 && nnames < MAX_NAMES) {
        char *save2 = NULL;
        char *pid = strtok_r(rest, " \t", &save2);
        char *name = strtok_r(NULL, "", &save2);
        if (pid && name) {
            names[nnames].pid = (unsigned int)strtoul(pid, NULL, 10);
            snprintf(names[nnames].name, sizeof names[nnames].name, "%s", name);
            nnames++;
        }
    } else if (strcmp(word, "init") == 0) {
        char *save2 = NULL;
        char *code = strtok_r(rest, " \t", &save2);
        char *times = strtok_r(NULL, " \t", &save2);
        init_code = code ? atoi(code) : 0;
        init_failures_left = times ? atoi(times) : -1;
    }
}

// Rebuilds the state for `step` from the scenario lines (caller holds the lock).
static void apply_step(unsigned int step) {
    int was_applied = step_applied;
    unsigned int previous = applied_step;
    // Values are the result of every line up to `step`; registration survives.
    int registered[MAX_GPUS];
    for (int i = 0; i < MAX_GPUS; i++) registered[i] = gpus[i].registered;
    ngpus = 0;
    nnames = 0;
    nerrors = 0;
    for (int i = 0; i < MAX_GPUS; i++) { default_gpu(i); gpus[i].registered = registered[i]; }
    for (int i = 0; i < nlines; i++) {
        if (line_steps[i] > step) continue;
        // An Xid line is delivered once, when the scenario moves past its step.
        apply_line(lines[i], was_applied && line_steps[i] > previous);
    }
    applied_step = step;
    step_applied = 1;
}

static void load_scenario(void) {
    if (loaded) return;
    loaded = 1;
    char path[4096];
    scenario_path(path, sizeof path);
    FILE *file = fopen(path, "r");
    if (file) {
        char buffer[1024];
        while (fgets(buffer, sizeof buffer, file) && nlines < MAX_LINES) {
            char *hash = strchr(buffer, '#');
            if (hash) *hash = 0;
            size_t length = strlen(buffer);
            while (length && (buffer[length - 1] == '\n' || buffer[length - 1] == ' ' || buffer[length - 1] == '\t' || buffer[length - 1] == '\r')) buffer[--length] = 0;
            char *text = buffer;
            while (*text == ' ' || *text == '\t') text++;
            if (!*text) continue;
            unsigned int step = 0;
            if (strncmp(text, "at ", 3) == 0) {
                char *end = NULL;
                step = (unsigned int)strtoul(text + 3, &end, 10);
                text = end;
                while (*text == ' ' || *text == '\t') text++;
            }
            line_steps[nlines] = step;
            lines[nlines] = strdup(text);
            nlines++;
        }
        fclose(file);
    }
    for (int i = 0; i < MAX_GPUS; i++) {
        gpu_handles[i].gpu = i;
        gpu_handles[i].mig = -1;
        for (int k = 0; k < MAX_MIG; k++) { mig_handles[i][k].gpu = i; mig_handles[i][k].mig = k; }
    }
    apply_step(0);
}

static void refresh_auto_step(void) {
    if (auto_step_ms <= 0 || !initialized) return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long elapsed = (now.tv_sec - init_time.tv_sec) * 1000 + (now.tv_nsec - init_time.tv_nsec) / 1000000;
    unsigned int step = (unsigned int)(elapsed / auto_step_ms);
    if (step != applied_step) apply_step(step);
}

// MARK: - Call plumbing

// Counts the calls inside the library, those waiting for `lock` included (`inflight`, and the
// most at once in `max_inflight`). Every exported NVML function takes it except
// nvmlErrorString, which takes no lock, and nvmlInitWithFlags, which is nvmlInit_v2.
static long call_enter(void) {
    long now = ++stat_inflight;
    long most = atomic_load(&stat_max_inflight);
    while (now > most && !atomic_compare_exchange_weak(&stat_max_inflight, &most, now)) {}
    stat_changed();
    return now;
}

static void call_exit(long *entered) {
    (void)entered;
    stat_inflight--;
    stat_changed();
}

#define CALL_GUARD long inflight_guard __attribute__((cleanup(call_exit), unused)) = call_enter()

// Blocks the calling NVML call until fake_nvml_release (or hang_seconds) WITHOUT giving up
// `lock`: every other call waits behind it, as behind a stuck real driver. The caller holds
// `lock`; the wait is on hang_lock/hang_cond, which release takes alone.
static void hang_holding_lock(void) {
    pthread_mutex_lock(&hang_lock);
    if (!released) {
        stat_hung++;
        stat_changed();
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += hang_seconds;
        while (!released) {
            if (pthread_cond_timedwait(&hang_cond, &hang_lock, &deadline) == ETIMEDOUT) break;
        }
    }
    pthread_mutex_unlock(&hang_lock);
}

// Takes `lock` for a call that has no device: loads the scenario and answers `call`'s
// scripted error, if any (the caller then returns it through leave()).
static nvmlReturn_t enter_system(const char *call) {
    pthread_mutex_lock(&lock);
    load_scenario();
    refresh_auto_step();
    return scripted_error(call, NULL);
}

// Resolves a handle and checks the failure modes, in this order: not initialised, not a
// handle, `hang` (blocks, then goes on), `lost`, a scripted `error` of `call`, `unsupported`.
// Returns the GPU with the lock held, or NULL with *code set and the lock released.
static struct gpu *enter(nvmlDevice_t device, int group, const char *call, nvmlReturn_t *code, struct handle **out_handle) {
    pthread_mutex_lock(&lock);
    load_scenario();
    refresh_auto_step();
    stat_device_calls++;
    stat_changed();
    if (!initialized) { pthread_mutex_unlock(&lock); *code = NVML_ERROR_UNINITIALIZED; return NULL; }
    struct handle *h = (struct handle *)device;
    if (!h || h->gpu < 0 || h->gpu >= ngpus) { pthread_mutex_unlock(&lock); *code = NVML_ERROR_INVALID_ARGUMENT; return NULL; }
    struct gpu *g = &gpus[h->gpu];
    if (g->hang[group]) hang_holding_lock();
    nvmlReturn_t scripted = scripted_error(call, g);
    if (g->lost) { pthread_mutex_unlock(&lock); *code = NVML_ERROR_GPU_IS_LOST; return NULL; }
    if (scripted != NVML_SUCCESS) { pthread_mutex_unlock(&lock); *code = scripted; return NULL; }
    if (g->unsupported[group]) { pthread_mutex_unlock(&lock); *code = NVML_ERROR_NOT_SUPPORTED; return NULL; }
    if (out_handle) *out_handle = h;
    *code = NVML_SUCCESS;
    return g;
}

static nvmlReturn_t leave(nvmlReturn_t code) {
    pthread_mutex_unlock(&lock);
    return code;
}

static nvmlReturn_t copy_string(char *out, unsigned int length, const char *value) {
    if (!out) return NVML_ERROR_INVALID_ARGUMENT;
    if (strlen(value) + 1 > length) return NVML_ERROR_INSUFFICIENT_SIZE;
    memcpy(out, value, strlen(value) + 1);
    return NVML_SUCCESS;
}

// Opens a device call named `call` (an exported function's name, for scripted errors).
#define DEVICE_CALL_NAMED(group, call) \
    nvmlReturn_t code; struct handle *h = NULL; \
    struct gpu *g = enter(device, group, call, &code, &h); \
    if (!g) return code; \
    (void)h;

#define DEVICE_CALL(group) CALL_GUARD; DEVICE_CALL_NAMED(group, __func__)

// Opens a call without a device: returns its scripted error, if any, with the lock released.
#define SYSTEM_CALL() \
    CALL_GUARD; \
    { nvmlReturn_t scripted = enter_system(__func__); if (scripted != NVML_SUCCESS) return leave(scripted); }

// MARK: - Control surface

EXPORT void fake_nvml_set_step(unsigned int step) {
    pthread_mutex_lock(&lock);
    load_scenario();
    apply_step(step);
    pthread_mutex_unlock(&lock);
}

EXPORT void fake_nvml_release(void) {
    pthread_mutex_lock(&hang_lock);
    released = 1;
    pthread_cond_broadcast(&hang_cond);
    pthread_mutex_unlock(&hang_lock);
}

EXPORT long fake_nvml_stat(const char *name) {
    if (strcmp(name, "init") == 0) return stat_init;
    if (strcmp(name, "shutdown") == 0) return stat_shutdown;
    if (strcmp(name, "inflight") == 0) return stat_inflight;
    if (strcmp(name, "max_inflight") == 0) return stat_max_inflight;
    if (strcmp(name, "hung") == 0) return stat_hung;
    if (strcmp(name, "process_calls") == 0) return stat_process_calls;
    if (strcmp(name, "event_waits") == 0) return stat_event_waits;
    if (strcmp(name, "longest_event_wait_ms") == 0) return stat_longest_event_wait_ms;
    if (strcmp(name, "device_calls") == 0) return stat_device_calls;
    return -1;
}

// Blocks until the counter `name` is at least `at_least` or `timeout_ms` passed; returns its
// value then (-1 for an unknown name). What a test waits on instead of polling.
EXPORT long fake_nvml_wait_stat(const char *name, long at_least, long timeout_ms) {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) { deadline.tv_sec++; deadline.tv_nsec -= 1000000000L; }
    pthread_mutex_lock(&stat_lock);
    atomic_fetch_add(&stat_waiters, 1);
    long value;
    while ((value = fake_nvml_stat(name)) < at_least && value != -1) {
        if (pthread_cond_timedwait(&stat_cond, &stat_lock, &deadline) == ETIMEDOUT) {
            value = fake_nvml_stat(name);
            break;
        }
    }
    atomic_fetch_sub(&stat_waiters, 1);
    pthread_mutex_unlock(&stat_lock);
    return value;
}

// MARK: - Library

EXPORT nvmlReturn_t nvmlInit_v2(void) {
    CALL_GUARD;
    nvmlReturn_t code = enter_system(__func__);
    stat_init++;
    stat_changed();
    if (code == NVML_SUCCESS && init_code != 0 && init_failures_left != 0) {
        if (init_failures_left > 0) init_failures_left--;
        code = (nvmlReturn_t)init_code;
    }
    if (code == NVML_SUCCESS) {
        if (!initialized) clock_gettime(CLOCK_MONOTONIC, &init_time);
        initialized++;
    }
    return leave(code);
}

// The same as nvmlInit_v2 (and scripted under that name).
EXPORT nvmlReturn_t nvmlInitWithFlags(unsigned int flags) { (void)flags; return nvmlInit_v2(); }

// A scripted failure leaves the library initialised, as a shutdown that did not happen.
EXPORT nvmlReturn_t nvmlShutdown(void) {
    CALL_GUARD;
    nvmlReturn_t code = enter_system(__func__);
    stat_shutdown++;
    stat_changed();
    if (code == NVML_SUCCESS) {
        if (!initialized) code = NVML_ERROR_UNINITIALIZED;
        else initialized--;
    }
    return leave(code);
}

EXPORT const char *nvmlErrorString(nvmlReturn_t result) {
    switch (result) {
    case NVML_SUCCESS: return "Success";
    case NVML_ERROR_UNINITIALIZED: return "Uninitialized";
    case NVML_ERROR_INVALID_ARGUMENT: return "Invalid Argument";
    case NVML_ERROR_NOT_SUPPORTED: return "Not Supported";
    case NVML_ERROR_NO_PERMISSION: return "Insufficient Permissions";
    case NVML_ERROR_NOT_FOUND: return "Not Found";
    case NVML_ERROR_INSUFFICIENT_SIZE: return "Insufficient Size";
    case NVML_ERROR_DRIVER_NOT_LOADED: return "Driver Not Loaded";
    case NVML_ERROR_TIMEOUT: return "Timeout";
    case NVML_ERROR_GPU_IS_LOST: return "GPU is lost";
    case NVML_ERROR_LIB_RM_VERSION_MISMATCH: return "RM has detected an NVML/RM version mismatch.";
    case NVML_ERROR_UNKNOWN: return "Unknown Error";
    default: return "Unknown Error";
    }
}

EXPORT nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length) {
    SYSTEM_CALL()
    return leave(initialized ? copy_string(version, length, driver_version) : NVML_ERROR_UNINITIALIZED);
}

EXPORT nvmlReturn_t nvmlSystemGetNVMLVersion(char *version, unsigned int length) {
    SYSTEM_CALL()
    return leave(copy_string(version, length, nvml_version));
}

EXPORT nvmlReturn_t nvmlSystemGetCudaDriverVersion_v2(int *version) {
    SYSTEM_CALL()
    if (!version) return leave(NVML_ERROR_INVALID_ARGUMENT);
    *version = cuda_version;
    return leave(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) {
    SYSTEM_CALL()
    if (!initialized) return leave(NVML_ERROR_UNINITIALIZED);
    if (!count) return leave(NVML_ERROR_INVALID_ARGUMENT);
    *count = (unsigned int)(count_override >= 0 ? count_override : ngpus);
    return leave(NVML_SUCCESS);
}

// Scripted per GPU: `gpu I handle_error CODE`, or `gpu I error nvmlDeviceGetHandleByIndex_v2 CODE`.
EXPORT nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) {
    CALL_GUARD;
    pthread_mutex_lock(&lock);
    load_scenario();
    refresh_auto_step();
    nvmlReturn_t scripted = scripted_error(__func__, (int)index < ngpus ? &gpus[index] : NULL);
    if (scripted != NVML_SUCCESS) return leave(scripted);
    if (!initialized) return leave(NVML_ERROR_UNINITIALIZED);
    if (!device || (int)index >= ngpus) return leave(NVML_ERROR_INVALID_ARGUMENT);
    if (gpus[index].handle_error) return leave((nvmlReturn_t)gpus[index].handle_error);
    *device = (nvmlDevice_t)&gpu_handles[index];
    return leave(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length) {
    DEVICE_CALL(G_NAME)
    if (h->mig >= 0) {
        char mig_name[NVML_DEVICE_NAME_V2_BUFFER_SIZE];
        snprintf(mig_name, sizeof mig_name, "%s MIG %ug.%lluGB", g->name, h->mig + 1u, g->migs[h->mig].total >> 30);
        return leave(copy_string(name, length, mig_name));
    }
    return leave(copy_string(name, length, g->name));
}

EXPORT nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length) {
    DEVICE_CALL(G_UUID)
    return leave(copy_string(uuid, length, h->mig >= 0 ? g->migs[h->mig].uuid : g->uuid));
}

EXPORT nvmlReturn_t nvmlDeviceGetIndex(nvmlDevice_t device, unsigned int *index) {
    DEVICE_CALL(G_NAME)
    *index = (unsigned int)h->gpu;
    return leave(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetMinorNumber(nvmlDevice_t device, unsigned int *minor) {
    DEVICE_CALL(G_NAME)
    *minor = (unsigned int)h->gpu;
    return leave(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t device, nvmlPciInfo_t *pci) {
    DEVICE_CALL(G_PCI)
    if (!pci) return leave(NVML_ERROR_INVALID_ARGUMENT);
    memset(pci, 0, sizeof *pci);
    snprintf(pci->busId, sizeof pci->busId, "%s", g->bus);
    unsigned int domain = 0, bus = 0, dev = 0;
    sscanf(g->bus, "%x:%x:%x", &domain, &bus, &dev);
    pci->domain = domain; pci->bus = bus; pci->device = dev;
    snprintf(pci->busIdLegacy, sizeof pci->busIdLegacy, "%04X:%02X:%02X.0", domain & 0xFFFF, bus, dev);
    pci->pciDeviceId = 0x27B810DE;
    return leave(NVML_SUCCESS);
}

static void memory_of(struct gpu *g, struct handle *h, unsigned long long *total, unsigned long long *used, unsigned long long *reserved) {
    if (h->mig >= 0) { *total = g->migs[h->mig].total; *used = g->migs[h->mig].used; *reserved = 0; return; }
    *total = g->total; *used = g->used; *reserved = g->reserved;
}

EXPORT nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t *memory) {
    DEVICE_CALL(G_MEMORY)
    if (!memory) return leave(NVML_ERROR_INVALID_ARGUMENT);
    unsigned long long total, used, reserved;
    memory_of(g, h, &total, &used, &reserved);
    memory->total = total;
    memory->used = used + reserved;            // R510+: reserved counted as used
    memory->free = total - used - reserved;
    return leave(NVML_SUCCESS);
}

#ifndef FAKE_NVML_LEGACY
EXPORT nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t device, nvmlMemory_v2_t *memory) {
    DEVICE_CALL(G_MEMORY)
    if (!memory) return leave(NVML_ERROR_INVALID_ARGUMENT);
    if (memory->version != nvmlMemory_v2) return leave(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
    unsigned long long total, used, reserved;
    memory_of(g, h, &total, &used, &reserved);
    memory->total = total;
    memory->reserved = reserved;
    memory->used = used;
    memory->free = total - used - reserved;
    return leave(NVML_SUCCESS);
}
#endif

EXPORT nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t *utilization) {
    DEVICE_CALL(G_UTILIZATION)
    if (g->mig_mode) return leave(NVML_ERROR_NOT_SUPPORTED);
    utilization->gpu = g->util;
    utilization->memory = g->memutil;
    return leave(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetEncoderUtilization(nvmlDevice_t device, unsigned int *utilization, unsigned int *period) {
    DEVICE_CALL(G_ENCODER)
    *utilization = g->enc;
    *period = 167000;
    return leave(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetDecoderUtilization(nvmlDevice_t device, unsigned int *utilization, unsigned int *period) {
    DEVICE_CALL(G_DECODER)
    *utilization = g->dec;
    *period = 167000;
    return leave(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t device, int sensor, unsigned int *temp) {
    DEVICE_CALL(G_TEMPERATURE)
    if (sensor != NVML_TEMPERATURE_GPU) return leave(NVML_ERROR_INVALID_ARGUMENT);
    *temp = (unsigned int)g->temp;
    return leave(NVML_SUCCESS);
}

#ifndef FAKE_NVML_LEGACY
EXPORT nvmlReturn_t nvmlDeviceGetTemperatureV(nvmlDevice_t device, nvmlTemperature_t *temperature) {
    DEVICE_CALL(G_TEMPERATURE)
    if (temperature->version != nvmlTemperature_v1) return leave(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
    if (temperature->sensorType != NVML_TEMPERATURE_GPU) return leave(NVML_ERROR_INVALID_ARGUMENT);
    temperature->temperature = g->temp;
    return leave(NVML_SUCCESS);
}
#endif

EXPORT nvmlReturn_t nvmlDeviceGetTemperatureThreshold(nvmlDevice_t device, int threshold, unsigned int *temp) {
    DEVICE_CALL(G_THRESHOLDS)
    if (threshold == NVML_TEMPERATURE_THRESHOLD_SHUTDOWN) *temp = g->shutdown;
    else if (threshold == NVML_TEMPERATURE_THRESHOLD_SLOWDOWN) *temp = g->slowdown;
    else return leave(NVML_ERROR_NOT_SUPPORTED);
    return leave(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetFanSpeed(nvmlDevice_t device, unsigned int *speed) {
    DEVICE_CALL(G_FAN)
    *speed = g->fan;
    return leave(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int *power) {
    DEVICE_CALL(G_POWER)
    *power = g->power;
    return leave(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t device, unsigned int *limit) {
    DEVICE_CALL(G_POWER_LIMIT)
    *limit = g->power_limit;
    return leave(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device, unsigned long long *energy) {
    DEVICE_CALL(G_ENERGY)
    *energy = g->energy;
    return leave(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t device, int type, unsigned int *clock) {
    DEVICE_CALL(G_CLOCKS)
    if (type == NVML_CLOCK_SM || type == NVML_CLOCK_GRAPHICS) *clock = g->smclock;
    else if (type == NVML_CLOCK_MEM) *clock = g->memclock;
    else return leave(NVML_ERROR_NOT_SUPPORTED);
    return leave(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetPerformanceState(nvmlDevice_t device, unsigned int *pstate) {
    DEVICE_CALL(G_PSTATE)
    *pstate = g->pstate;
    return leave(NVML_SUCCESS);
}

#ifndef FAKE_NVML_LEGACY
EXPORT nvmlReturn_t nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_t device, unsigned long long *reasons) {
    DEVICE_CALL(G_REASONS)
    *reasons = g->reasons;
    return leave(NVML_SUCCESS);
}
#endif

EXPORT nvmlReturn_t nvmlDeviceGetCurrentClocksThrottleReasons(nvmlDevice_t device, unsigned long long *reasons) {
    DEVICE_CALL(G_REASONS)
    *reasons = g->reasons;
    return leave(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetEccMode(nvmlDevice_t device, unsigned int *current, unsigned int *pending) {
    DEVICE_CALL(G_ECC)
    *current = g->ecc_mode;
    *pending = g->ecc_mode;
    return leave(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetTotalEccErrors(nvmlDevice_t device, int type, int counter, unsigned long long *count) {
    DEVICE_CALL(G_ECC)
    if (g->ecc_mode != NVML_FEATURE_ENABLED) return leave(NVML_ERROR_NOT_SUPPORTED);
    if (counter != NVML_VOLATILE_ECC && counter != NVML_AGGREGATE_ECC) return leave(NVML_ERROR_INVALID_ARGUMENT);
    if (type == NVML_MEMORY_ERROR_TYPE_CORRECTED) *count = g->ecc_corrected;
    else if (type == NVML_MEMORY_ERROR_TYPE_UNCORRECTED) *count = g->ecc_uncorrected;
    else return leave(NVML_ERROR_INVALID_ARGUMENT);
    return leave(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetRemappedRows(nvmlDevice_t device, unsigned int *corr, unsigned int *unc, unsigned int *pending, unsigned int *failure) {
    DEVICE_CALL(G_REMAP)
    *corr = g->remap_corr; *unc = g->remap_unc; *pending = g->remap_pending; *failure = g->remap_failure;
    return leave(NVML_SUCCESS);
}

// The size protocol: count query with infos == NULL, then a fill that may find more.
static nvmlReturn_t processes(nvmlDevice_t device, unsigned int *count, void *infos, int v1, const char *call) {
    CALL_GUARD;
    DEVICE_CALL_NAMED(G_PROCESSES, call)
    stat_process_calls++;
    stat_changed();
    if (!count) return leave(NVML_ERROR_INVALID_ARGUMENT);
    int n = g->nprocs;
    if (infos == NULL || *count == 0) {
        *count = (unsigned int)n;
        return leave(n == 0 ? NVML_SUCCESS : NVML_ERROR_INSUFFICIENT_SIZE);
    }
    // Processes that appeared since the caller asked for the size.
    int grown = n + g->grow;
    if ((unsigned int)grown > *count) {
        *count = (unsigned int)grown;
        return leave(NVML_ERROR_INSUFFICIENT_SIZE);
    }
    for (int i = 0; i < grown; i++) {
        unsigned int pid = i < n ? g->procs[i].pid : 90000u + (unsigned)i;
        unsigned long long bytes = i < n ? g->procs[i].bytes : (1ull << 20);
        if (v1) {
            nvmlProcessInfo_v1_t *out = (nvmlProcessInfo_v1_t *)infos + i;
            out->pid = pid; out->usedGpuMemory = bytes;
        } else {
            nvmlProcessInfo_t *out = (nvmlProcessInfo_t *)infos + i;
            out->pid = pid; out->usedGpuMemory = bytes;
            out->gpuInstanceId = (unsigned int)NVML_VALUE_NOT_AVAILABLE; out->computeInstanceId = (unsigned int)NVML_VALUE_NOT_AVAILABLE;
        }
    }
    *count = (unsigned int)grown;
    return leave(NVML_SUCCESS);
}

#ifndef FAKE_NVML_LEGACY
EXPORT nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device, unsigned int *count, nvmlProcessInfo_t *infos) {
    return processes(device, count, infos, 0, __func__);
}
// Inference services hold compute contexts only: the graphics list is empty.
EXPORT nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses_v3(nvmlDevice_t device, unsigned int *count, nvmlProcessInfo_t *infos) {
    DEVICE_CALL(G_PROCESSES)
    (void)infos;
    *count = 0;
    return leave(NVML_SUCCESS);
}
#endif

EXPORT nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v2(nvmlDevice_t device, unsigned int *count, nvmlProcessInfo_t *infos) {
    return processes(device, count, infos, 0, __func__);
}

EXPORT nvmlReturn_t nvmlDeviceGetComputeRunningProcesses(nvmlDevice_t device, unsigned int *count, nvmlProcessInfo_v1_t *infos) {
    return processes(device, count, infos, 1, __func__);
}

EXPORT nvmlReturn_t nvmlSystemGetProcessName(unsigned int pid, char *name, unsigned int length) {
    SYSTEM_CALL()
    for (int i = 0; i < nnames; i++) {
        if (names[i].pid == pid) return leave(copy_string(name, length, names[i].name));
    }
    return leave(NVML_ERROR_NOT_FOUND);
}

// MARK: - MIG

EXPORT nvmlReturn_t nvmlDeviceGetMigMode(nvmlDevice_t device, unsigned int *current, unsigned int *pending) {
    DEVICE_CALL(G_MIG)
    *current = g->mig_mode;
    *pending = g->mig_mode;
    return leave(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetMaxMigDeviceCount(nvmlDevice_t device, unsigned int *count) {
    DEVICE_CALL(G_MIG)
    *count = g->mig_mode == NVML_DEVICE_MIG_ENABLE ? MAX_MIG : 0;
    return leave(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetMigDeviceHandleByIndex(nvmlDevice_t device, unsigned int index, nvmlDevice_t *mig) {
    DEVICE_CALL(G_MIG)
    if (!g->mig_mode || index >= MAX_MIG || !g->migs[index].present) return leave(NVML_ERROR_NOT_FOUND);
    *mig = (nvmlDevice_t)&mig_handles[h->gpu][index];
    return leave(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceIsMigDeviceHandle(nvmlDevice_t device, unsigned int *is_mig) {
    DEVICE_CALL(G_MIG)
    *is_mig = h->mig >= 0;
    return leave(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetGpuInstanceId(nvmlDevice_t device, unsigned int *id) {
    DEVICE_CALL(G_MIG)
    if (h->mig < 0) return leave(NVML_ERROR_INVALID_ARGUMENT);
    *id = g->migs[h->mig].gi;
    return leave(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetComputeInstanceId(nvmlDevice_t device, unsigned int *id) {
    DEVICE_CALL(G_MIG)
    if (h->mig < 0) return leave(NVML_ERROR_INVALID_ARGUMENT);
    *id = g->migs[h->mig].ci;
    return leave(NVML_SUCCESS);
}

// MARK: - Events

static int event_set_token;

EXPORT nvmlReturn_t nvmlEventSetCreate(nvmlEventSet_t *set) {
    SYSTEM_CALL()
    if (!initialized) return leave(NVML_ERROR_UNINITIALIZED);
    if (!set) return leave(NVML_ERROR_INVALID_ARGUMENT);
    event_set_exists = 1;
    *set = (nvmlEventSet_t)&event_set_token;
    return leave(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceGetSupportedEventTypes(nvmlDevice_t device, unsigned long long *types) {
    DEVICE_CALL(G_NAME)
    *types = nvmlEventTypeSingleBitEccError | nvmlEventTypeDoubleBitEccError | nvmlEventTypePState | nvmlEventTypeXidCriticalError;
    return leave(NVML_SUCCESS);
}

EXPORT nvmlReturn_t nvmlDeviceRegisterEvents(nvmlDevice_t device, unsigned long long types, nvmlEventSet_t set) {
    DEVICE_CALL(G_NAME)
    if (set != (nvmlEventSet_t)&event_set_token) return leave(NVML_ERROR_INVALID_ARGUMENT);
    if (types & nvmlEventTypeXidCriticalError) g->registered = 1;
    return leave(NVML_SUCCESS);
}

// Waits up to `timeout_ms` for an event (0: answers at once), giving `lock` up meanwhile (a
// hung call still delays it); `longest_event_wait_ms` keeps the longest timeout asked. A
// scripted error is answered at once.
EXPORT nvmlReturn_t nvmlEventSetWait_v2(nvmlEventSet_t set, nvmlEventData_t *data, unsigned int timeout_ms) {
    CALL_GUARD;
    nvmlReturn_t scripted = enter_system(__func__);
    stat_event_waits++;
    if ((long)timeout_ms > stat_longest_event_wait_ms) stat_longest_event_wait_ms = (long)timeout_ms;
    stat_changed();
    if (scripted != NVML_SUCCESS) return leave(scripted);
    if (!event_set_exists || set != (nvmlEventSet_t)&event_set_token || !data) return leave(NVML_ERROR_INVALID_ARGUMENT);
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) { deadline.tv_sec++; deadline.tv_nsec -= 1000000000L; }
    // A wait of 0 ms is a look, not a sleep: no timed wait, which costs a context switch
    // even when its deadline has passed (enter_system has applied the step).
    while (nevents == 0 && event_set_exists && timeout_ms > 0) {
        if (pthread_cond_timedwait(&event_cond, &lock, &deadline) == ETIMEDOUT) break;
        refresh_auto_step();
    }
    if (nevents == 0) return leave(NVML_ERROR_TIMEOUT);
    struct event e = events[0];
    memmove(events, events + 1, sizeof events[0] * (size_t)(nevents - 1));
    nevents--;
    memset(data, 0, sizeof *data);
    data->device = (nvmlDevice_t)&gpu_handles[e.gpu];
    data->eventType = nvmlEventTypeXidCriticalError;
    data->eventData = e.xid;
    data->gpuInstanceId = (unsigned int)NVML_VALUE_NOT_AVAILABLE;
    data->computeInstanceId = (unsigned int)NVML_VALUE_NOT_AVAILABLE;
    return leave(NVML_SUCCESS);
}

// A scripted failure leaves the set allocated and its devices registered.
EXPORT nvmlReturn_t nvmlEventSetFree(nvmlEventSet_t set) {
    SYSTEM_CALL()
    if (set != (nvmlEventSet_t)&event_set_token || !event_set_exists) return leave(NVML_ERROR_INVALID_ARGUMENT);
    event_set_exists = 0;
    for (int i = 0; i < MAX_GPUS; i++) gpus[i].registered = 0;
    pthread_cond_broadcast(&event_cond);
    return leave(NVML_SUCCESS);
}

// MARK: - ABI self-description (NVMLABITests compares it with Headroom's CNVML)

struct abi_type { const char *name; long size, alignment; };
struct abi_field { const char *type, *field; long offset, size; };
struct abi_constant { const char *name; unsigned long long value; };

#define ABI_TYPE(T) { #T, (long)sizeof(T), (long)_Alignof(T) }
#define ABI_FIELD(T, F) { #T, #F, (long)offsetof(T, F), (long)sizeof(((T *)0)->F) }
#define ABI_CONSTANT(C) { #C, (unsigned long long)(C) }

// Every type whose layout crosses the ABI in a call Headroom makes.
static const struct abi_type abi_types[] = {
    ABI_TYPE(nvmlReturn_t), ABI_TYPE(nvmlDevice_t), ABI_TYPE(nvmlEventSet_t),
    ABI_TYPE(nvmlPciInfo_t), ABI_TYPE(nvmlUtilization_t), ABI_TYPE(nvmlMemory_t), ABI_TYPE(nvmlMemory_v2_t),
    ABI_TYPE(nvmlProcessInfo_v1_t), ABI_TYPE(nvmlProcessInfo_t), ABI_TYPE(nvmlTemperature_t), ABI_TYPE(nvmlEventData_t),
};

static const struct abi_field abi_fields[] = {
    ABI_FIELD(nvmlPciInfo_t, busIdLegacy), ABI_FIELD(nvmlPciInfo_t, domain), ABI_FIELD(nvmlPciInfo_t, bus),
    ABI_FIELD(nvmlPciInfo_t, device), ABI_FIELD(nvmlPciInfo_t, pciDeviceId), ABI_FIELD(nvmlPciInfo_t, pciSubSystemId),
    ABI_FIELD(nvmlPciInfo_t, busId),
    ABI_FIELD(nvmlUtilization_t, gpu), ABI_FIELD(nvmlUtilization_t, memory),
    ABI_FIELD(nvmlMemory_t, total), ABI_FIELD(nvmlMemory_t, free), ABI_FIELD(nvmlMemory_t, used),
    ABI_FIELD(nvmlMemory_v2_t, version), ABI_FIELD(nvmlMemory_v2_t, total), ABI_FIELD(nvmlMemory_v2_t, reserved),
    ABI_FIELD(nvmlMemory_v2_t, free), ABI_FIELD(nvmlMemory_v2_t, used),
    ABI_FIELD(nvmlProcessInfo_v1_t, pid), ABI_FIELD(nvmlProcessInfo_v1_t, usedGpuMemory),
    ABI_FIELD(nvmlProcessInfo_t, pid), ABI_FIELD(nvmlProcessInfo_t, usedGpuMemory),
    ABI_FIELD(nvmlProcessInfo_t, gpuInstanceId), ABI_FIELD(nvmlProcessInfo_t, computeInstanceId),
    ABI_FIELD(nvmlTemperature_t, version), ABI_FIELD(nvmlTemperature_t, sensorType), ABI_FIELD(nvmlTemperature_t, temperature),
    ABI_FIELD(nvmlEventData_t, device), ABI_FIELD(nvmlEventData_t, eventType), ABI_FIELD(nvmlEventData_t, eventData),
    ABI_FIELD(nvmlEventData_t, gpuInstanceId), ABI_FIELD(nvmlEventData_t, computeInstanceId),
};

// Every constant the fake uses that Headroom also names (in CNVML, ClockEventReason, or as
// the size of the buffer it hands string calls).
static const struct abi_constant abi_constants[] = {
    ABI_CONSTANT(NVML_SUCCESS), ABI_CONSTANT(NVML_ERROR_UNINITIALIZED), ABI_CONSTANT(NVML_ERROR_INVALID_ARGUMENT),
    ABI_CONSTANT(NVML_ERROR_NOT_SUPPORTED), ABI_CONSTANT(NVML_ERROR_NO_PERMISSION), ABI_CONSTANT(NVML_ERROR_ALREADY_INITIALIZED),
    ABI_CONSTANT(NVML_ERROR_NOT_FOUND), ABI_CONSTANT(NVML_ERROR_INSUFFICIENT_SIZE), ABI_CONSTANT(NVML_ERROR_INSUFFICIENT_POWER),
    ABI_CONSTANT(NVML_ERROR_DRIVER_NOT_LOADED), ABI_CONSTANT(NVML_ERROR_TIMEOUT), ABI_CONSTANT(NVML_ERROR_IRQ_ISSUE),
    ABI_CONSTANT(NVML_ERROR_LIBRARY_NOT_FOUND), ABI_CONSTANT(NVML_ERROR_FUNCTION_NOT_FOUND),
    ABI_CONSTANT(NVML_ERROR_CORRUPTED_INFOROM), ABI_CONSTANT(NVML_ERROR_GPU_IS_LOST), ABI_CONSTANT(NVML_ERROR_RESET_REQUIRED),
    ABI_CONSTANT(NVML_ERROR_OPERATING_SYSTEM), ABI_CONSTANT(NVML_ERROR_LIB_RM_VERSION_MISMATCH), ABI_CONSTANT(NVML_ERROR_IN_USE),
    ABI_CONSTANT(NVML_ERROR_MEMORY), ABI_CONSTANT(NVML_ERROR_NO_DATA), ABI_CONSTANT(NVML_ERROR_VGPU_ECC_NOT_SUPPORTED),
    ABI_CONSTANT(NVML_ERROR_INSUFFICIENT_RESOURCES), ABI_CONSTANT(NVML_ERROR_FREQ_NOT_SUPPORTED),
    ABI_CONSTANT(NVML_ERROR_ARGUMENT_VERSION_MISMATCH), ABI_CONSTANT(NVML_ERROR_DEPRECATED), ABI_CONSTANT(NVML_ERROR_NOT_READY),
    ABI_CONSTANT(NVML_ERROR_GPU_NOT_FOUND), ABI_CONSTANT(NVML_ERROR_INVALID_STATE),
    ABI_CONSTANT(NVML_ERROR_RESET_TYPE_NOT_SUPPORTED), ABI_CONSTANT(NVML_ERROR_UNKNOWN),
    ABI_CONSTANT(nvmlMemory_v2), ABI_CONSTANT(nvmlTemperature_v1),
    ABI_CONSTANT(NVML_VALUE_NOT_AVAILABLE), ABI_CONSTANT(nvmlEventTypeXidCriticalError),
    ABI_CONSTANT(NVML_DEVICE_NAME_V2_BUFFER_SIZE), ABI_CONSTANT(NVML_DEVICE_UUID_V2_BUFFER_SIZE),
    ABI_CONSTANT(NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE),
    ABI_CONSTANT(nvmlClocksEventReasonGpuIdle), ABI_CONSTANT(nvmlClocksEventReasonApplicationsClocksSetting),
    ABI_CONSTANT(nvmlClocksEventReasonSwPowerCap), ABI_CONSTANT(nvmlClocksThrottleReasonHwSlowdown),
    ABI_CONSTANT(nvmlClocksEventReasonSyncBoost), ABI_CONSTANT(nvmlClocksEventReasonSwThermalSlowdown),
    ABI_CONSTANT(nvmlClocksThrottleReasonHwThermalSlowdown), ABI_CONSTANT(nvmlClocksThrottleReasonHwPowerBrakeSlowdown),
    ABI_CONSTANT(nvmlClocksEventReasonDisplayClockSetting),
};

#define COUNT(array) (sizeof array / sizeof array[0])

static const struct abi_type *abi_type_named(const char *type) {
    for (size_t i = 0; type && i < COUNT(abi_types); i++) if (strcmp(abi_types[i].name, type) == 0) return &abi_types[i];
    return NULL;
}

static const struct abi_field *abi_field_named(const char *type, const char *field) {
    for (size_t i = 0; type && field && i < COUNT(abi_fields); i++) {
        if (strcmp(abi_fields[i].type, type) == 0 && strcmp(abi_fields[i].field, field) == 0) return &abi_fields[i];
    }
    return NULL;
}

EXPORT const char *fake_nvml_abi_type(unsigned int index) {
    return index < COUNT(abi_types) ? abi_types[index].name : NULL;
}

EXPORT long fake_nvml_abi_size(const char *type) {
    const struct abi_type *t = abi_type_named(type);
    return t ? t->size : -1;
}

EXPORT long fake_nvml_abi_alignment(const char *type) {
    const struct abi_type *t = abi_type_named(type);
    return t ? t->alignment : -1;
}

EXPORT const char *fake_nvml_abi_field(const char *type, unsigned int index) {
    for (size_t i = 0; type && i < COUNT(abi_fields); i++) {
        if (strcmp(abi_fields[i].type, type) == 0 && index-- == 0) return abi_fields[i].field;
    }
    return NULL;
}

EXPORT long fake_nvml_abi_offset(const char *type, const char *field) {
    const struct abi_field *f = abi_field_named(type, field);
    return f ? f->offset : -1;
}

EXPORT long fake_nvml_abi_field_size(const char *type, const char *field) {
    const struct abi_field *f = abi_field_named(type, field);
    return f ? f->size : -1;
}

EXPORT const char *fake_nvml_abi_constant_name(unsigned int index) {
    return index < COUNT(abi_constants) ? abi_constants[index].name : NULL;
}

EXPORT int fake_nvml_abi_constant(const char *name, unsigned long long *value) {
    for (size_t i = 0; name && i < COUNT(abi_constants); i++) {
        if (strcmp(abi_constants[i].name, name) == 0) {
            if (value) *value = abi_constants[i].value;
            return 1;
        }
    }
    return 0;
}
