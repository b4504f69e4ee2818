/* The FMA peak of this machine now, for bench/bench.py, with the widest
 * FMA the host has (chosen at run time):
 *
 *   fma_peak [THREADS [ITERATIONS [ISA]]]
 *
 * T threads (default 1) each run independent chains of vector FMAs,
 * ITERATIONS times (default 20,000,000) each: 24 chains of zmm FMAs with
 * AVX-512F, else 12 chains of ymm FMAs with AVX2 + FMA (16 vector
 * registers: 12 accumulators and the two operands), else 12 chains of xmm
 * multiplies and adds (SSE2, every x86-64; no FMA, counted as 2 FLOPs a
 * lane all the same). ISA (avx512f, avx2 or sse2) forces a narrower kind,
 * e.g. to time the AVX2 loop on an AVX-512 host; one the host lacks is
 * refused. Prints on stdout the total GFLOP/s over wall time, the GFLOP/s
 * per CPU second (what one thread does while it runs, whatever else shares
 * the cores), then the ISA used, e.g. `117.3 117.1 avx512f`.
 *
 * bench.py builds it with the C compiler (-O2 -march=native -pthread); the
 * variants are compiled with target attributes, so it builds on any x86-64
 * host and with or without -march=native. On a shared machine the figure is
 * what the cores give right now, which is what the matmul figures of the
 * same run should be compared with. */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "timing.h"
#include <time.h>

enum { CHAINS_512 = 24, CHAINS_256 = 12, CHAINS_128 = 12 };

struct job {
  long iterations;
  float sink;
};

__attribute__((target("avx512f"))) static void *run512(void *arg) {
  struct job *job = arg;
  __m512 acc[CHAINS_512];
  for (int i = 0; i < CHAINS_512; ++i)
    acc[i] = _mm512_set1_ps((float)i);
  __m512 a = _mm512_set1_ps(1.0000001f), b = _mm512_set1_ps(1e-7f);
  for (long it = 0; it < job->iterations; ++it) {
#pragma GCC unroll 32
    for (int i = 0; i < CHAINS_512; ++i)
      acc[i] = _mm512_fmadd_ps(a, acc[i], b);
    __asm__ volatile("" : "+v"(a));
  }
  __m512 s = acc[0];
  for (int i = 1; i < CHAINS_512; ++i)
    s = _mm512_add_ps(s, acc[i]);
  job->sink = _mm512_reduce_add_ps(s);
  return NULL;
}

__attribute__((target("avx2,fma"))) static void *run256(void *arg) {
  struct job *job = arg;
  __m256 acc[CHAINS_256];
  for (int i = 0; i < CHAINS_256; ++i)
    acc[i] = _mm256_set1_ps((float)i);
  __m256 a = _mm256_set1_ps(1.0000001f), b = _mm256_set1_ps(1e-7f);
  for (long it = 0; it < job->iterations; ++it) {
#pragma GCC unroll 32
    for (int i = 0; i < CHAINS_256; ++i)
      acc[i] = _mm256_fmadd_ps(a, acc[i], b);
    __asm__ volatile("" : "+x"(a));
  }
  __m256 s = acc[0];
  for (int i = 1; i < CHAINS_256; ++i)
    s = _mm256_add_ps(s, acc[i]);
  float lanes[8];
  _mm256_storeu_ps(lanes, s);
  job->sink = lanes[0] + lanes[7];
  return NULL;
}

static void *run128(void *arg) {
  struct job *job = arg;
  __m128 acc[CHAINS_128];
  for (int i = 0; i < CHAINS_128; ++i)
    acc[i] = _mm_set1_ps((float)i);
  __m128 a = _mm_set1_ps(1.0000001f), b = _mm_set1_ps(1e-7f);
  for (long it = 0; it < job->iterations; ++it) {
#pragma GCC unroll 32
    for (int i = 0; i < CHAINS_128; ++i) {
      __m128 product = _mm_mul_ps(a, acc[i]);
      __asm__("" : "+x"(product)); /* no contracting into an FMA */
      acc[i] = _mm_add_ps(product, b);
    }
    __asm__ volatile("" : "+x"(a));
  }
  __m128 s = acc[0];
  for (int i = 1; i < CHAINS_128; ++i)
    s = _mm_add_ps(s, acc[i]);
  job->sink = _mm_cvtss_f32(s);
  return NULL;
}

struct isa {
  const char *name;
  void *(*run)(void *);
  double flopsPerIteration; /* chains x lanes x 2 */
  int supported;
};

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  long iterations = argc > 2 ? atol(argv[2]) : 20000000;
  const char *want = argc > 3 ? argv[3] : NULL;
  if (threads < 1 || threads > 256 || iterations < 1 || argc > 4) {
    fprintf(stderr, "usage: fma_peak [THREADS [ITERATIONS [avx512f|avx2|sse2]]]\n");
    return 2;
  }
  __builtin_cpu_init();
  struct isa isas[] = {
      {"avx512f", run512, CHAINS_512 * 16 * 2,
       __builtin_cpu_supports("avx512f")},
      {"avx2", run256, CHAINS_256 * 8 * 2,
       __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")},
      {"sse2", run128, CHAINS_128 * 4 * 2, 1},
  };
  struct isa *use = NULL;
  for (size_t i = 0; i < sizeof isas / sizeof isas[0] && !use; ++i)
    if (want ? strcmp(want, isas[i].name) == 0 : isas[i].supported)
      use = &isas[i];
  if (!use || !use->supported) {
    fprintf(stderr, "fma_peak: %s is %s\n", want,
            use ? "not supported by this CPU" : "not an ISA this knows");
    return 2;
  }
  pthread_t tid[256];
  struct job jobs[256];
  double wall = now(CLOCK_MONOTONIC), cpu = now(CLOCK_PROCESS_CPUTIME_ID);
  for (int t = 0; t < threads; ++t) {
    jobs[t].iterations = iterations;
    pthread_create(&tid[t], NULL, use->run, &jobs[t]);
  }
  for (int t = 0; t < threads; ++t)
    pthread_join(tid[t], NULL);
  wall = now(CLOCK_MONOTONIC) - wall;
  cpu = now(CLOCK_PROCESS_CPUTIME_ID) - cpu;
  double flops = threads * (double)iterations * use->flopsPerIteration;
  printf("%.1f %.1f %s\n", flops / wall / 1e9, flops / cpu / 1e9, use->name);
  return jobs[0].sink == 12345.0f; /* keeps the sums live */
}
