/* two_libs.c: one program, two models compiled separately (tiny.nn as a
 * static library, the Fashion MLP as a shared one). For each: initial
 * parameters from a seed, a forward pass on n deterministic samples written
 * as DIR/PREFIXx.npy and DIR/PREFIXout.npy, then one train step.
 *   two_libs DIR N */
#include "mlp.h"
#include "tiny.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *xmalloc(size_t bytes) {
  void *p = malloc(bytes ? bytes : 1);
  if (!p) {
    fprintf(stderr, "out of memory\n");
    exit(1);
  }
  return p;
}

/* A float32 [rows, cols] .npy (format 1.0). */
static void write_npy(const char *dir, const char *name, const float *data,
                      int64_t rows, int64_t cols) {
  char path[4096], header[128];
  FILE *f;
  size_t len;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  snprintf(header, sizeof header,
           "{'descr': '<f4', 'fortran_order': False, 'shape': (%lld, %lld), }",
           (long long)rows, (long long)cols);
  len = strlen(header);
  while ((10 + len + 1) % 64)
    header[len++] = ' ';
  header[len++] = '\n';
  f = fopen(path, "wb");
  if (!f || fwrite("\x93NUMPY\x01\x00", 1, 8, f) != 8 ||
      fputc((int)(len & 0xff), f) == EOF || fputc((int)(len >> 8), f) == EOF ||
      fwrite(header, 1, len, f) != len ||
      fwrite(data, sizeof(float), (size_t)(rows * cols), f) !=
          (size_t)(rows * cols) ||
      fclose(f)) {
    fprintf(stderr, "%s: cannot write\n", path);
    exit(1);
  }
}

static float *samples(int64_t n, int64_t size, float phase) {
  float *x = (float *)xmalloc(sizeof(float) * (size_t)(n * size));
  int64_t i;
  for (i = 0; i < n * size; ++i)
    x[i] = 0.5f + 0.5f * (float)sin(0.37 * (double)i + phase);
  return x;
}

int main(int argc, char **argv) {
  int64_t n, i;
  float *tp, *ts, *tx, *tout, *mp, *ms, *mx, *mout, loss;
  int32_t *y;
  if (argc != 3 || (n = atoll(argv[2])) <= 0) {
    fprintf(stderr, "usage: two_libs DIR N\n");
    return 2;
  }
  y = (int32_t *)xmalloc(sizeof(int32_t) * (size_t)n);
  for (i = 0; i < n; ++i)
    y[i] = (int32_t)(i % 3);

  tp = (float *)xmalloc(sizeof(float) * (size_t)tiny_param_count());
  tiny_init_params(tp, 3);
  tx = samples(n, tiny_x_size, 0.0f);
  tout = (float *)xmalloc(sizeof(float) * (size_t)(n * tiny_out_size));
  if (tiny_forward(tp, tx, n, tout))
    return 1;
  write_npy(argv[1], "tiny_x.npy", tx, n, tiny_x_size);
  write_npy(argv[1], "tiny_out.npy", tout, n, tiny_out_size);

  mp = (float *)xmalloc(sizeof(float) * (size_t)mlp_param_count());
  mlp_init_params(mp, 7);
  mx = samples(n, mlp_x_size, 1.0f);
  mout = (float *)xmalloc(sizeof(float) * (size_t)(n * mlp_out_size));
  if (mlp_forward(mp, mx, n, mout))
    return 1;
  write_npy(argv[1], "mlp_x.npy", mx, n, mlp_x_size);
  write_npy(argv[1], "mlp_out.npy", mout, n, mlp_out_size);

  ts = (float *)calloc((size_t)tfit_state_count() + 1, sizeof(float));
  ms = (float *)calloc((size_t)fit_state_count() + 1, sizeof(float));
  if (!ts || !ms)
    return 1;
  if (tfit_step(tp, ts, tx, y, n, 0.01f, &loss) || !isfinite(loss))
    return 1;
  printf("tfit loss %.6f\n", loss);
  if (fit_step(mp, ms, mx, y, n, 0.01f, &loss) || !isfinite(loss))
    return 1;
  printf("fit loss %.6f\n", loss);
  free(ms);
  free(ts);
  free(mout);
  free(mx);
  free(mp);
  free(tout);
  free(tx);
  free(tp);
  free(y);
  return 0;
}
