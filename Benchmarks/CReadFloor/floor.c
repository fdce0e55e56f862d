#define _GNU_SOURCE
#include "CReadFloor.h"

#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

struct hr_floor {
    int count;
    int fds[64];
};

static char buffer[65536];

hr_floor *hr_floor_open(const char *const *paths, int count) {
    hr_floor *floor = calloc(1, sizeof(hr_floor));
    if (!floor) return NULL;
    for (int i = 0; i < count && floor->count < 64; i++) {
        int fd = open(paths[i], O_RDONLY | O_CLOEXEC);
        if (fd >= 0) floor->fds[floor->count++] = fd;
    }
    return floor;
}

long hr_floor_sample_pread(hr_floor *floor) {
    long total = 0;
    for (int i = 0; i < floor->count; i++) {
        ssize_t n = pread(floor->fds[i], buffer, sizeof(buffer), 0);
        if (n > 0) total += n;
    }
    return total;
}

long hr_floor_sample_open_read_close(const char *const *paths, int count) {
    long total = 0;
    for (int i = 0; i < count; i++) {
        int fd = open(paths[i], O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        ssize_t n = read(fd, buffer, sizeof(buffer));
        if (n > 0) total += n;
        close(fd);
    }
    return total;
}

int hr_floor_file_count(const hr_floor *floor) { return floor->count; }

void hr_floor_close(hr_floor *floor) {
    if (!floor) return;
    for (int i = 0; i < floor->count; i++) close(floor->fds[i]);
    free(floor);
}

void hr_floor_loop(hr_floor *floor, long interval_ns) {
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    for (;;) {
        hr_floor_sample_pread(floor);
        next.tv_nsec += interval_ns;
        while (next.tv_nsec >= 1000000000L) { next.tv_nsec -= 1000000000L; next.tv_sec += 1; }
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) != 0) {}
    }
}
