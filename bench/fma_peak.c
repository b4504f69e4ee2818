/* The AVX-512 FMA peak of this machine now, for bench/bench.py: T threads
 * (argv[1]) each run independent chains of 24 zmm FMAs; prints on stdout
 * the total GFLOP/s over wall time, then the GFLOP/s per CPU second (what
 * one thread does while it runs, whatever else shares the cores). bench.py
 * builds it with the C compiler (-O2 -march=native -pthread). On a shared
 * machine the figure is what the cores give right now, which is what the matmul
 * figures of the same run should be compared with. */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include "timing.h"
#include <time.h>

enum { CHAINS = 24 };
static const long ITERS = 20000000;

static void *run(void *out) {
  __m512 acc[CHAINS];
  for (int i = 0; i < CHAINS; ++i)
    acc[i] = _mm512_set1_ps((float)i);
  __m512 a = _mm512_set1_ps(1.0000001f), b = _mm512_set1_ps(1e-7f);
  for (long it = 0; it < ITERS; ++it) {
    for (int i = 0; i < CHAINS; ++i)
      acc[i] = _mm512_fmadd_ps(a, acc[i], b);
    __asm__ volatile("" : "+v"(a));
  }
  __m512 s = acc[0];
  for (int i = 1; i < CHAINS; ++i)
    s = _mm512_add_ps(s, acc[i]);
  *(float *)out = _mm512_reduce_add_ps(s);
  return NULL;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  if (threads < 1 || threads > 256)
    return 1;
  pthread_t tid[256];
  float sink[256];
  double wall = now(CLOCK_MONOTONIC), cpu = now(CLOCK_PROCESS_CPUTIME_ID);
  for (int t = 0; t < threads; ++t)
    pthread_create(&tid[t], NULL, run, &sink[t]);
  for (int t = 0; t < threads; ++t)
    pthread_join(tid[t], NULL);
  wall = now(CLOCK_MONOTONIC) - wall;
  cpu = now(CLOCK_PROCESS_CPUTIME_ID) - cpu;
  double flops = threads * (double)ITERS * CHAINS * 32;
  printf("%.1f %.1f\n", flops / wall / 1e9, flops / cpu / 1e9);
  return sink[0] == 12345.0f; /* keeps the sums live */
}
