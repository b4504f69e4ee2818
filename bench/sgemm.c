/* oneDNN's and OpenBLAS's sgemm called directly, for bench/bench.py:
 *
 *   sgemm LIB REPEATS SECONDS SHAPE...
 *
 * LIB is `dnnl` (dnnl_sgemm) or `openblas` (cblas_sgemm); each SHAPE is
 * MxNxK:AB, row-major C[M, N] = op(A) op(B) with A and B each `N` (stored
 * as used: A [M, K], B [K, N]) or `T` (stored transposed: A [K, M],
 * B [N, K]); deepc's dense layer is NT. For each shape, on stdout:
 * `SHAPE wall_ms cpu_ms`: REPEATS times, calls for SECONDS (at least 5)
 * after one warm-up call and takes the medians of the wall time and of the
 * process's CPU time (all threads) of single calls, as `deepc bench` does;
 * prints the median of those medians. Threads come from the environment
 * (OMP_NUM_THREADS for oneDNN, OPENBLAS_NUM_THREADS for OpenBLAS), which
 * bench.py sets. Inputs are uniform in [0, 1); the time does not depend on
 * the values. bench.py builds it against the headers of libdnnl-dev and
 * libopenblas-pthread-dev.
 *
 *   sgemm kernels
 *
 * prints the kernels each library picked for this CPU, on one line:
 * `oneDNN ISA; OpenBLAS CORE` (dnnl_get_effective_cpu_isa,
 * openblas_get_corename). */
#include <cblas.h>
#include <dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "timing.h"
#include <time.h>

typedef struct {
  long m, n, k;
  char ta, tb;
} Shape;

static int useDnnl;
enum { MAX_CALLS = 1 << 20 };
static double walls[MAX_CALLS], cpus[MAX_CALLS];

static void gemm(const Shape *s, const float *a, const float *b, float *c) {
  long lda = s->ta == 'N' ? s->k : s->m;
  long ldb = s->tb == 'N' ? s->n : s->k;
  if (useDnnl) {
    if (dnnl_sgemm(s->ta, s->tb, s->m, s->n, s->k, 1.0f, a, lda, b, ldb, 0.0f,
                   c, s->n) != dnnl_success) {
      fprintf(stderr, "dnnl_sgemm failed\n");
      exit(1);
    }
    return;
  }
  cblas_sgemm(CblasRowMajor, s->ta == 'N' ? CblasNoTrans : CblasTrans,
              s->tb == 'N' ? CblasNoTrans : CblasTrans, (int)s->m, (int)s->n,
              (int)s->k, 1.0f, a, (int)lda, b, (int)ldb, 0.0f, c, (int)s->n);
}

static float *randomMatrix(long count) {
  float *p = malloc(sizeof(float) * (size_t)count);
  if (!p)
    exit(1);
  unsigned state = 12345;
  for (long i = 0; i < count; ++i) {
    state = state * 1664525u + 1013904223u;
    p[i] = (float)(state >> 8) / 16777216.0f;
  }
  return p;
}

static const char *dnnlIsa(dnnl_cpu_isa_t isa) {
  switch (isa) {
  case dnnl_cpu_isa_sse41: return "sse41";
  case dnnl_cpu_isa_avx: return "avx";
  case dnnl_cpu_isa_avx2: return "avx2";
  case dnnl_cpu_isa_avx2_vnni: return "avx2_vnni";
  case dnnl_cpu_isa_avx512_mic: return "avx512_mic";
  case dnnl_cpu_isa_avx512_mic_4ops: return "avx512_mic_4ops";
  case dnnl_cpu_isa_avx512_core: return "avx512_core";
  case dnnl_cpu_isa_avx512_core_vnni: return "avx512_core_vnni";
  case dnnl_cpu_isa_avx512_core_bf16: return "avx512_core_bf16";
  case dnnl_cpu_isa_avx512_core_amx: return "avx512_core_amx";
  default: return "unknown";
  }
}

int main(int argc, char **argv) {
  if (argc == 2 && !strcmp(argv[1], "kernels")) {
    printf("oneDNN %s; OpenBLAS %s\n", dnnlIsa(dnnl_get_effective_cpu_isa()),
           openblas_get_corename());
    return 0;
  }
  if (argc < 5 || (strcmp(argv[1], "dnnl") && strcmp(argv[1], "openblas"))) {
    fprintf(stderr, "usage: sgemm dnnl|openblas REPEATS SECONDS MxNxK:AB...\n"
                    "       sgemm kernels\n");
    return 2;
  }
  useDnnl = !strcmp(argv[1], "dnnl");
  int repeats = atoi(argv[2]);
  double seconds = atof(argv[3]);
  if (repeats < 1 || repeats > 1000)
    return 2;
  for (int arg = 4; arg < argc; ++arg) {
    Shape s;
    if (sscanf(argv[arg], "%ldx%ldx%ld:%c%c", &s.m, &s.n, &s.k, &s.ta, &s.tb) !=
            5 ||
        s.m < 1 || s.n < 1 || s.k < 1 || (s.ta != 'N' && s.ta != 'T') ||
        (s.tb != 'N' && s.tb != 'T')) {
      fprintf(stderr, "bad shape '%s'\n", argv[arg]);
      return 2;
    }
    float *a = randomMatrix(s.m * s.k), *b = randomMatrix(s.k * s.n);
    float *c = randomMatrix(s.m * s.n);
    gemm(&s, a, b, c); /* warm-up: threads, packing buffers */
    double wallMedians[1000], cpuMedians[1000];
    for (int r = 0; r < repeats; ++r) {
      long calls = 0;
      double start = now(CLOCK_MONOTONIC);
      while (calls < 5 ||
             (now(CLOCK_MONOTONIC) - start < seconds && calls < MAX_CALLS)) {
        double w = now(CLOCK_MONOTONIC), cpu = now(CLOCK_PROCESS_CPUTIME_ID);
        gemm(&s, a, b, c);
        walls[calls] = (now(CLOCK_MONOTONIC) - w) * 1e3;
        cpus[calls] = (now(CLOCK_PROCESS_CPUTIME_ID) - cpu) * 1e3;
        ++calls;
      }
      wallMedians[r] = median(walls, calls);
      cpuMedians[r] = median(cpus, calls);
    }
    printf("%s %.5f %.5f\n", argv[arg], median(wallMedians, repeats),
           median(cpuMedians, repeats));
    fflush(stdout);
    free(a);
    free(b);
    free(c);
  }
  return 0;
}
