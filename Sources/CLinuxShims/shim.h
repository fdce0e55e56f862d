// Linux calls Swift's Glibc module does not export, and small helpers over struct timespec.
#include <malloc.h>
#include <pthread.h>
#include <spawn.h>
#include <stdint.h>
#include <sys/timerfd.h>
#include <time.h>

// pthread_setname_np(3) needs _GNU_SOURCE, which Glibc's module map does not define: declared
// here so Headroom's own threads carry names in /proc/PID/task/*/comm.
int pthread_setname_np(pthread_t thread, const char *name);

// Also behind _GNU_SOURCE: pipe2(2), for pipes that are close-on-exec from birth (a child
// spawned meanwhile by another thread must not inherit one), and posix_spawn file actions
// glibc has had since 2.29 and 2.34: Subprocess starts a command in a working directory and
// closes every descriptor it did not mean to pass (Foundation's Process listed them one by one).
int pipe2(int fds[2], int flags);
int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *actions, const char *path);
int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);

/// CLOCK_MONOTONIC now, in nanoseconds.
static inline int64_t hr_monotonic_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

/// Initialises a condition variable whose timed waits run on CLOCK_MONOTONIC (for
/// hr_cond_wait_until): a wall-clock step cannot cut a wait short or stretch it.
static inline int hr_cond_init_monotonic(pthread_cond_t *cond) {
    pthread_condattr_t attributes;
    pthread_condattr_init(&attributes);
    pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
    int status = pthread_cond_init(cond, &attributes);
    pthread_condattr_destroy(&attributes);
    return status;
}

/// pthread_cond_timedwait until CLOCK_MONOTONIC reads `deadline_ns` (the condition variable
/// must have been initialised with that clock).
static inline int hr_cond_wait_until(pthread_cond_t *cond, pthread_mutex_t *mutex, int64_t deadline_ns) {
    struct timespec deadline = { .tv_sec = deadline_ns / 1000000000, .tv_nsec = deadline_ns % 1000000000 };
    return pthread_cond_timedwait(cond, mutex, &deadline);
}

/// timerfd(2): a timer whose deadline can be moved or cancelled without waking the thread that
/// waits on it (RoundWatchdog). Arms `fd` to expire once, `after_ns` from now; 0 disarms it.
static inline int hr_timerfd_arm(int fd, int64_t after_ns) {
    struct itimerspec spec = { .it_value = { .tv_sec = after_ns / 1000000000, .tv_nsec = after_ns % 1000000000 } };
    return timerfd_settime(fd, 0, &spec, 0);
}

// Swift concurrency's hook for its global executor (libswift_Concurrency, ConcurrencyHooks.def):
// when set, every job the runtime would hand to Dispatch's pool is handed to it instead
// (TaskThreads). Its real type is a swiftcall function pointer, declared opaque here; read and
// set through these helpers, since a static binary exports nothing `dlsym` could find.
extern void *swift_task_enqueueGlobal_hook;

static inline void *hr_enqueue_global_hook(void) { return swift_task_enqueueGlobal_hook; }
static inline void hr_set_enqueue_global_hook(void *hook) { swift_task_enqueueGlobal_hook = hook; }
