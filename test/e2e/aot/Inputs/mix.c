/* mix.c: mix_forward with int32_t and int64_t inputs and results, checked
 * against values computed here, at batch sizes 1, 5 and 64. */
#include "model.h"

#include <stdio.h>

int main(void) {
  float params[MIX_PARAM_COUNT], a[64 * 3], out0[64 * 3];
  int32_t k[64], out1[64];
  int64_t j[64 * 2], out2[64 * 2], batches[3] = {1, 5, 64}, n, b, i, start;
  int bad = 0;
  mix_init_params(params, 11);
  for (i = 0; i < 64; ++i) {
    a[3 * i] = (float)i;
    a[3 * i + 1] = -0.5f * (float)i;
    a[3 * i + 2] = 1.0f;
    k[i] = (int32_t)(i * 1000003 - 7);
    j[2 * i] = (int64_t)i << 40;
    j[2 * i + 1] = -(int64_t)i;
  }
  for (b = 0; b < 3; ++b) {
    for (start = 0; start < 64; start += n) {
      n = 64 - start < batches[b] ? 64 - start : batches[b];
      if (mix_forward(params, a + 3 * start, k + start, j + 2 * start, n,
                      out0 + 3 * start, out1 + start, out2 + 2 * start))
        return 1;
    }
    for (i = 0; i < 64 * 3; ++i)
      bad += out0[i] != a[i] * params[i % 3];
    for (i = 0; i < 64; ++i)
      bad += out1[i] != (int32_t)(2 * k[i]);
    for (i = 0; i < 64 * 2; ++i)
      bad += out2[i] != -j[i];
  }
  printf("%s\n", bad ? "FAIL" : "ok: int32 and int64 inputs and results");
  return bad != 0;
}
