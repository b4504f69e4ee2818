/* The CPU time of one training step of lenet.nn at batch 64, from the AOT
 * object (README.md, "Time"):
 *   build/bin/deepc compile examples/lenet/lenet.nn -o lenet.o --header lenet.h
 *   cc -O2 -I. examples/lenet/step_bench.c lenet.o -lm -o step_bench
 *   ./step_bench 50
 * Synthetic inputs: the time does not depend on the values. The step mallocs
 * and frees megabytes of temporaries per call; like `deepc` itself, this
 * keeps them in the heap (mallopt) rather than letting glibc return them to
 * the kernel and fault them in again at every call. */
#include "lenet.h"
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
int main(int argc, char **argv) {
  int steps = argc > 1 ? atoi(argv[1]) : 10;
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  int64_t n = 64;
  float *p = malloc(sizeof(float) * lenet_param_count());
  float *s = calloc(fit_state_count(), sizeof(float));
  lenet_init_params(p, 1);
  float *x = malloc(sizeof(float) * n * 784);
  int32_t *y = malloc(sizeof(int32_t) * n);
  for (int i = 0; i < n * 784; ++i)
    x[i] = (float)(i % 255) / 255.0f;
  for (int i = 0; i < n; ++i)
    y[i] = i % 10;
  struct timespec a, b;
  float loss;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
  for (int i = 0; i < steps; ++i)
    fit_step(p, s, x, y, n, 1e-3f, &loss);
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
  printf("loss %f, %.1f ms cpu per step\n", loss,
         ((b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6) / steps);
}
