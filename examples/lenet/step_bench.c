/* The CPU time of one training step of lenet.nn at batch 64, from the AOT
 * object (README.md, "Time"):
 *   build/bin/deepc compile examples/lenet/lenet.nn -o lenet.o --header lenet.h
 *   cc -O2 -I. examples/lenet/step_bench.c lenet.o -lm -o step_bench
 *   ./step_bench 50
 * Any model with a train block `fit` over inputs (x: f32, y: i32) builds
 * the same way with -DMODEL=NAME -DMODEL_H='"NAME.h"' (bench/RESULTS.md
 * profiles examples/fashion_mlp.nn's step so, with -DMODEL=mlp).
 * Synthetic inputs: the time does not depend on the values. The step mallocs
 * and frees megabytes of temporaries per call; like `deepc` itself, this
 * keeps them in the heap (mallopt) rather than letting glibc return them to
 * the kernel and fault them in again at every call. */
#ifndef MODEL
#define MODEL lenet
#define MODEL_H "lenet.h"
#endif
#include MODEL_H
#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
int main(int argc, char **argv) {
  int steps = argc > 1 ? atoi(argv[1]) : 10;
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  int64_t n = 64;
  float *p = malloc(sizeof(float) * CAT(MODEL, _param_count)());
  float *s = calloc(fit_state_count(), sizeof(float));
  CAT(MODEL, _init_params)(p, 1);
  float *x = malloc(sizeof(float) * n * CAT(MODEL, _x_size));
  int32_t *y = malloc(sizeof(int32_t) * n);
  for (int i = 0; i < n * CAT(MODEL, _x_size); ++i)
    x[i] = (float)(i % 255) / 255.0f;
  for (int i = 0; i < n; ++i)
    y[i] = i % 10;
  struct timespec a, b;
  float loss;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
  for (int i = 0; i < steps; ++i)
    fit_step(p, s, x, y, n, 1e-3f, &loss);
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
  printf("loss %f, %.3f ms cpu per step\n", loss,
         ((b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6) / steps);
}
