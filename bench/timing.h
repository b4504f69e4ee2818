/* What bench/'s C drivers share: a clock reading in seconds and the median
 * of a set of timings. */
#ifndef DEEPC_BENCH_TIMING_H
#define DEEPC_BENCH_TIMING_H
#include <stdlib.h>
#include <time.h>

/* CLOCK_MONOTONIC for wall time, CLOCK_PROCESS_CPUTIME_ID for CPU time. */
static inline double now(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int compareDoubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The median of v[0..n) (the upper one for even n); sorts v. */
static inline double median(double *v, long n) {
  qsort(v, (size_t)n, sizeof(double), compareDoubles);
  return v[n / 2];
}
#endif
