#ifndef HEADROOM_CREADFLOOR_H
#define HEADROOM_CREADFLOOR_H

/// The floor for one host sample: a tiny C reader of the same files, with no parsing.
/// Used by headroom-bench as the baseline that Headroom's collectors are compared with.

typedef struct hr_floor hr_floor;

/// Opens every path once and keeps the descriptors (missing files are skipped).
hr_floor *hr_floor_open(const char *const *paths, int count);

/// One sample: pread each kept-open file from offset 0 into a buffer. Returns bytes read.
long hr_floor_sample_pread(hr_floor *floor);

/// One sample the naive way: open, read, close each path. Returns bytes read.
long hr_floor_sample_open_read_close(const char *const *paths, int count);

/// Number of files actually open.
int hr_floor_file_count(const hr_floor *floor);

void hr_floor_close(hr_floor *floor);

/// The floor of a sampling daemon: forever, on a fixed grid of `interval_ns` (CLOCK_MONOTONIC,
/// absolute sleeps, no drift), one `hr_floor_sample_pread`. Never returns; run it in a process
/// of its own and measure that process from outside.
void hr_floor_loop(hr_floor *floor, long interval_ns);

#endif
