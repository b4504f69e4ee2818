/* Calls of a compiled model whose buffers do not fit in memory return 2,
 * leave the caller's buffers as they were and leak nothing; calls that fit
 * still work afterwards. Usage: oom (prints "ok: ..." lines, exits 1 on a
 * failed check). */
#include "wide.h"

#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;
static void check(int ok, const char *what) {
  printf("%s: %s\n", ok ? "ok" : "FAILED", what);
  failures += !ok;
}

int main(void) {
  const int64_t huge = (int64_t)1 << 20; /* 2^20 x 100000 floats: 400 GB */
  int64_t count = wide_param_count();
  float *params = malloc(count * sizeof(float));
  float *before = malloc(count * sizeof(float));
  float *x = calloc(huge * 4, sizeof(float));
  int32_t *y = calloc(huge, sizeof(int32_t));
  float *out = malloc(huge * 2 * sizeof(float));
  if (!params || !before || !x || !y || !out)
    return 1;
  wide_init_params(params, 1);
  memcpy(before, params, count * sizeof(float));
  for (int64_t i = 0; i < huge * 2; ++i)
    out[i] = -7.0f;

  /* A first call that fits, so that what the C library keeps for itself
   * is in place before the heap is measured. */
  check(wide_forward(params, x, 8, out) == 0, "a batch of 8 runs");
  size_t heap = mallinfo2().uordblks;
  int refused = 1;
  for (int i = 0; i < 50; ++i)
    refused &= wide_forward(params, x, huge, out) == 2;
  check(refused, "a batch of 2^20 returns 2, 50 times");
  check(out[8 * 2] == -7.0f && out[huge * 2 - 1] == -7.0f,
        "the refused calls wrote no output");
  float loss = -1.0f;
  int steps = 1;
  for (int i = 0; i < 50; ++i)
    steps &= wfit_step(params, NULL, x, y, huge, 0.1f, &loss) == 2;
  check(steps, "a training step on 2^20 samples returns 2, 50 times");
  check(!memcmp(params, before, count * sizeof(float)) && loss == -1.0f,
        "the refused steps changed no parameter and no loss");
  check(mallinfo2().uordblks == heap,
        "the refused calls freed every buffer they had taken");
  check(wfit_step(params, NULL, x, y, 8, 0.1f, &loss) == 0 && isfinite(loss),
        "a step on 8 samples runs afterwards");
  check(wide_forward(params, x, 8, out) == 0 && isfinite(out[0]),
        "a batch of 8 runs afterwards");
  return failures ? 1 : 0;
}
