/* The STREAM triad a[i] = b[i] + s * c[i] on T threads, for bench/bench.py:
 *
 *   stream T ELEMENTS REPEATS
 *
 * Each thread runs the triad over its own contiguous slice of three float
 * arrays of ELEMENTS each (first touched by that thread). Counted as STREAM
 * counts it, 12 bytes per element (two reads, one write; the cache line the
 * write allocates is not counted). Prints on stdout the median over REPEATS
 * passes of the GB/s over wall time, then the GB/s per CPU second of the
 * process (all threads). bench.py builds it with -O2 -march=native -pthread
 * and compares deepc's elementwise and reduction chains with it, run on
 * tensors of the same size in the same run. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include "timing.h"
#include <time.h>

enum { MAX_THREADS = 64, MAX_REPEATS = 1000 };

static float *a, *b, *c;
static long elements;
static int threads, repeats;
static pthread_barrier_t barrier;
static double walls[MAX_REPEATS], cpus[MAX_REPEATS];

static void *run(void *arg) {
  long t = (long)arg;
  long lo = elements * t / threads, hi = elements * (t + 1) / threads;
  for (long i = lo; i < hi; ++i) {
    a[i] = 0.0f;
    b[i] = 1.0f;
    c[i] = 2.0f;
  }
  const float s = 3.0f;
  for (int r = -1; r < repeats; ++r) { /* r = -1: warm-up */
    double w = 0, cpu = 0;
    pthread_barrier_wait(&barrier);
    if (t == 0) {
      w = now(CLOCK_MONOTONIC);
      cpu = now(CLOCK_PROCESS_CPUTIME_ID);
    }
    for (long i = lo; i < hi; ++i)
      a[i] = b[i] + s * c[i];
    pthread_barrier_wait(&barrier);
    if (t == 0 && r >= 0) {
      walls[r] = now(CLOCK_MONOTONIC) - w;
      cpus[r] = now(CLOCK_PROCESS_CPUTIME_ID) - cpu;
    }
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: stream THREADS ELEMENTS REPEATS\n");
    return 2;
  }
  threads = atoi(argv[1]);
  elements = atol(argv[2]);
  repeats = atoi(argv[3]);
  if (threads < 1 || threads > MAX_THREADS || elements < threads ||
      repeats < 1 || repeats > MAX_REPEATS)
    return 2;
  a = malloc(sizeof(float) * (size_t)elements);
  b = malloc(sizeof(float) * (size_t)elements);
  c = malloc(sizeof(float) * (size_t)elements);
  if (!a || !b || !c)
    return 1;
  pthread_barrier_init(&barrier, NULL, (unsigned)threads);
  pthread_t tid[MAX_THREADS];
  for (long t = 1; t < threads; ++t)
    pthread_create(&tid[t], NULL, run, (void *)t);
  run((void *)0);
  for (long t = 1; t < threads; ++t)
    pthread_join(tid[t], NULL);
  double bytes = 12.0 * (double)elements;
  printf("%.2f %.2f\n", bytes / median(walls, repeats) / 1e9,
         bytes / median(cpus, repeats) / 1e9);
  return a[elements / 2] != 7.0f; /* keeps the stores live */
}
