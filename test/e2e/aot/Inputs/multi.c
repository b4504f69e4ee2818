/* multi.c X.npy SEED BATCH OUT: runs ops_forward (three results, the last
 * int64) on X in batches of BATCH with ops_init_params(SEED) and writes
 * OUT.npy, OUT.1.npy and OUT.2.npy as `deepc predict -o OUT.npy` does. */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void write_npy(const char *path, const char *descr, const void *data,
                      int64_t rows, int64_t cols, size_t size) {
  char header[128];
  int len = cols ? snprintf(header, sizeof header,
                            "{'descr': '%s', 'fortran_order': False, "
                            "'shape': (%lld, %lld), }",
                            descr, (long long)rows, (long long)cols)
                 : snprintf(header, sizeof header,
                            "{'descr': '%s', 'fortran_order': False, "
                            "'shape': (%lld,), }",
                            descr, (long long)rows);
  int total = ((10 + len + 1 + 63) / 64) * 64;
  unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0, 0};
  FILE *f = fopen(path, "wb");
  if (!f)
    exit(1);
  pre[8] = (unsigned char)((total - 10) & 0xff);
  pre[9] = (unsigned char)((total - 10) >> 8);
  fwrite(pre, 1, 10, f);
  fwrite(header, 1, (size_t)len, f);
  for (len += 10; len < total - 1; ++len)
    fputc(' ', f);
  fputc('\n', f);
  fwrite(data, size, (size_t)(rows * (cols ? cols : 1)), f);
  fclose(f);
}

int main(int argc, char **argv) {
  FILE *f;
  unsigned char pre[10];
  float *params, *x, *out0, *out1;
  int64_t *out2, rows, batch, start;
  long size;
  char path[4096];
  if (argc != 5 || !(f = fopen(argv[1], "rb")) || fread(pre, 1, 10, f) != 10)
    return 2;
  /* Version 1 header, then rows x 2 x 6 floats. */
  fseek(f, 0, SEEK_END);
  size = ftell(f) - 10 - (pre[8] | pre[9] << 8);
  rows = size / (long)(sizeof(float) * ops_x_size);
  fseek(f, 10 + (pre[8] | pre[9] << 8), SEEK_SET);
  x = (float *)malloc((size_t)size);
  if (!x || fread(x, 1, (size_t)size, f) != (size_t)size)
    return 2;
  fclose(f);
  params = (float *)malloc(sizeof(float) * (size_t)ops_param_count());
  out0 = (float *)malloc(sizeof(float) * (size_t)(rows * ops_out0_size));
  out1 = (float *)malloc(sizeof(float) * (size_t)(rows * ops_out1_size));
  out2 = (int64_t *)malloc(sizeof(int64_t) * (size_t)(rows * ops_out2_size));
  if (!params || !out0 || !out1 || !out2)
    return 2;
  ops_init_params(params, strtoull(argv[2], NULL, 10));
  batch = atoll(argv[3]);
  for (start = 0; start < rows; start += batch) {
    int64_t n = rows - start < batch ? rows - start : batch;
    if (ops_forward(params, x + start * ops_x_size, n,
                    out0 + start * ops_out0_size, out1 + start * ops_out1_size,
                    out2 + start * ops_out2_size))
      return 1;
  }
  snprintf(path, sizeof path, "%s.npy", argv[4]);
  write_npy(path, "<f4", out0, rows, ops_out0_size, sizeof(float));
  snprintf(path, sizeof path, "%s.1.npy", argv[4]);
  write_npy(path, "<f4", out1, rows, ops_out1_size, sizeof(float));
  snprintf(path, sizeof path, "%s.2.npy", argv[4]);
  write_npy(path, "<i8", out2, rows, 0, sizeof(int64_t));
  printf("ok: %lld samples\n", (long long)rows);
  return 0;
}
