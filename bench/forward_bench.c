/* The CPU time of a model's forward pass from its AOT object, for profiling
 * what bench/bench.py times through the JIT (bench/RESULTS.md):
 *   build/bin/deepc compile bench/matmul.nn -o mm.o --header mm.h
 *   cc -O2 -I. -DMODEL=mm -DMODEL_H='"mm.h"' bench/forward_bench.c mm.o \
 *      -lm -o forward_bench
 *   ./forward_bench BATCH CALLS
 *   perf record -e cpu-clock ./forward_bench 1024 200
 * Any model of one f32 input and one f32 result builds so. Inputs are
 * uniform in [0, 1); the time does not depend on the values. Like `deepc`,
 * this keeps the compiled code's temporaries in glibc's heap (mallopt). */
#ifndef MODEL
#error "build with -DMODEL=NAME -DMODEL_H='\"NAME.h\"'"
#endif
#include MODEL_H
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include "timing.h"
#include <time.h>
#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)

int main(int argc, char **argv) {
  int64_t n = argc > 1 ? atol(argv[1]) : 64;
  long calls = argc > 2 ? atol(argv[2]) : 100;
  if (n < 1 || calls < 1)
    return 2;
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  int64_t in = CAT(MODEL, _x_size), out = CAT(MODEL, _out_size);
  float *p = malloc(sizeof(float) * (size_t)(CAT(MODEL, _param_count)() + 1));
  float *x = malloc(sizeof(float) * (size_t)(n * in));
  float *y = malloc(sizeof(float) * (size_t)(n * out));
  if (!p || !x || !y)
    return 1;
  CAT(MODEL, _init_params)(p, 1);
  for (int64_t i = 0; i < n * in; ++i)
    x[i] = (float)(i % 251) / 251.0f;
  if (CAT(MODEL, _forward)(p, x, n, y))
    return 1;
  double t0 = now(CLOCK_PROCESS_CPUTIME_ID);
  for (long i = 0; i < calls; ++i)
    CAT(MODEL, _forward)(p, x, n, y);
  double t = (now(CLOCK_PROCESS_CPUTIME_ID) - t0) / (double)calls;
  printf("%.4f ms cpu per call (y[0] = %g)\n", t * 1e3, (double)y[0]);
  return 0;
}
