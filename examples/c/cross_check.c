/* cross_check.c - the same numbers from a model's object on every machine.
 *
 * Built against an object of `deepc compile --target TRIPLE` and run on
 * that machine (or under qemu-user), it prints, one per line with %.9g:
 * the model's outputs for a batch of deterministic inputs, the loss of
 * STEPS training steps on such batches, and the outputs again after them.
 * Two machines' printouts then compare number by number
 * (test/e2e/cross/Inputs/compare_numbers.py).
 *
 *   cross_check BATCH STEPS LR
 *
 * The model and train block are `mlp` and `fit` unless -DMODEL=name
 * -DTRAIN=name say otherwise; -DXNAME=name is the model's one input (x),
 * -DVOCAB=V makes it int32 ids in [0, V) (f32 in [-1, 1) otherwise),
 * -DLABELS=L the labels per sample (1) and -DCLASSES=C their range (10).
 * Inputs come from an integer generator, not libm, so they are the same
 * bits everywhere.
 */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>

#ifndef MODEL
#define MODEL mlp
#endif
#ifndef TRAIN
#define TRAIN fit
#endif
#ifndef XNAME
#define XNAME x
#endif
#ifndef LABELS
#define LABELS 1
#endif
#ifndef CLASSES
#define CLASSES 10
#endif
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define M(s) CAT(MODEL, s)
#define T(s) CAT(TRAIN, s)
#define X_SIZE CAT(M(_), CAT(XNAME, _size))
#ifdef VOCAB
typedef int32_t input_t;
#else
typedef float input_t;
#endif

static uint32_t rng = 12345;
static uint32_t next(void) {
  rng = rng * 1664525u + 1013904223u;
  return rng >> 8;
}

static void *xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size);
  if (!p) {
    fprintf(stderr, "cross_check: out of memory\n");
    exit(1);
  }
  return p;
}

static void fill(input_t *x, int64_t count) {
  for (int64_t i = 0; i < count; ++i)
#ifdef VOCAB
    x[i] = (int32_t)(next() % VOCAB);
#else
    x[i] = (float)(next() % 65536) / 32768.0f - 1.0f;
#endif
}

static void forward(const float *params, const input_t *x, int64_t n,
                    float *out, const char *what) {
  int rc = M(_forward)(params, x, n, out);
  if (rc) {
    fprintf(stderr, "cross_check: %s forward returned %d\n", what, rc);
    exit(1);
  }
  printf("# %s\n", what);
  for (int64_t i = 0; i < n * M(_out_size); ++i)
    printf("%.9g\n", out[i]);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: cross_check BATCH STEPS LR\n");
    return 1;
  }
  int64_t n = atoll(argv[1]);
  int steps = atoi(argv[2]);
  float lr = (float)atof(argv[3]);
  float *params = xcalloc((size_t)M(_param_count)(), sizeof(float));
  float *state = xcalloc((size_t)T(_state_count)(), sizeof(float));
  input_t *x = xcalloc((size_t)(n * X_SIZE), sizeof(input_t));
  int32_t *y = xcalloc((size_t)(n * LABELS), sizeof(int32_t));
  float *out = xcalloc((size_t)(n * M(_out_size)), sizeof(float));
  M(_init_params)(params, 7);
  fill(x, n * X_SIZE);
  forward(params, x, n, out, "forward");
  printf("# losses\n");
  for (int s = 0; s < steps; ++s) {
    float loss;
    fill(x, n * X_SIZE);
    for (int64_t i = 0; i < n * LABELS; ++i)
      y[i] = (int32_t)(next() % CLASSES);
    int rc = T(_step)(params, state, x, y, n, lr, &loss);
    if (rc) {
      fprintf(stderr, "cross_check: step %d returned %d\n", s, rc);
      return 1;
    }
    printf("%.9g\n", loss);
  }
  forward(params, x, n, out, "trained");
  free(params);
  free(state);
  free(x);
  free(y);
  free(out);
  return 0;
}
