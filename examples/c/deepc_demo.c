/* deepc_demo.c - a C program around a model compiled ahead of time.
 *
 *   deepc compile examples/fashion_mlp.nn -o model.o --header model.h
 *   cc -std=c99 -O2 -I. examples/c/deepc_demo.c model.o -lm -o demo
 *
 * The model and train block are `mlp` and `fit` unless -DMODEL=name
 * -DTRAIN=name say otherwise; the model takes one f32 input and returns
 * one f32 result (the header's NAME_x_size and NAME_out_size give their
 * floats per sample), the train block takes that input and i32 labels.
 *
 *   demo init SEED OUT.safetensors          initial weights (as deepc's)
 *   demo forward WEIGHTS X.npy BATCH OUT.npy
 *   demo train WEIGHTS X.npy Y.npy BATCH STEPS LR OUT.safetensors [P.npy]
 *
 * (a train block that trains several models takes a safetensors WEIGHTS
 * with all their parameters, and does not predict).
 *   demo check                              bad arguments are refused
 *
 * WEIGHTS is a safetensors file or `seed:S`. `train` runs STEPS optimizer
 * steps over consecutive batches of X/Y (from the start again at the end),
 * saves the weights and, with P.npy, predicts X with them.
 */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MODEL
#define MODEL mlp
#endif
#ifndef TRAIN
#define TRAIN fit
#endif
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define M(s) CAT(MODEL, s)
#define T(s) CAT(TRAIN, s)

static void die(const char *what, const char *path) {
  fprintf(stderr, "demo: %s%s%s\n", what, path ? ": " : "", path ? path : "");
  exit(1);
}

static void *xmalloc(size_t bytes) {
  void *p = calloc(bytes ? bytes : 1, 1);
  if (!p)
    die("out of memory", NULL);
  return p;
}

/* A .npy file (format 1 to 3, little-endian, C order) whose dtype is
 * `descr`: returns its data; *rows = dim 0, *cols = the product of the
 * other dims. */
static void *read_npy(const char *path, const char *descr, int64_t *rows,
                      int64_t *cols) {
  FILE *f = fopen(path, "rb");
  unsigned char pre[12];
  long header, size;
  char *text, *shape;
  void *data;
  int64_t n = 1;
  if (!f || fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6))
    die("not a .npy file", path);
  header = pre[8] | (long)pre[9] << 8;
  if (pre[6] >= 2) {
    if (fread(pre + 10, 1, 2, f) != 2)
      die("truncated", path);
    header |= (long)pre[10] << 16 | (long)pre[11] << 24;
  }
  text = (char *)xmalloc((size_t)header + 1);
  if (fread(text, 1, (size_t)header, f) != (size_t)header)
    die("truncated", path);
  if (!strstr(text, descr) || strstr(text, "True"))
    die("unexpected dtype or order", path);
  shape = strstr(text, "'shape': (");
  if (!shape)
    die("no shape", path);
  shape += 10;
  *rows = strtoll(shape, &shape, 10);
  while (*shape == ',' || *shape == ' ') {
    char *end;
    long long d = strtoll(shape + 1 + (shape[1] == ' '), &end, 10);
    if (end == shape + 1 + (shape[1] == ' '))
      break;
    n *= d;
    shape = end;
  }
  *cols = n;
  size = (long)(*rows * n * 4);
  data = xmalloc((size_t)size);
  if (fread(data, 1, (size_t)size, f) != (size_t)size)
    die("truncated", path);
  fclose(f);
  free(text);
  return data;
}

static void write_npy(const char *path, const float *data, int64_t rows,
                      int64_t cols) {
  char header[128];
  int len = snprintf(header, sizeof header,
                     "{'descr': '<f4', 'fortran_order': False, 'shape': "
                     "(%lld, %lld), }",
                     (long long)rows, (long long)cols);
  int total = ((10 + len + 1 + 63) / 64) * 64;
  unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0, 0};
  FILE *f = fopen(path, "wb");
  pre[8] = (unsigned char)((total - 10) & 0xff);
  pre[9] = (unsigned char)((total - 10) >> 8);
  if (!f)
    die("cannot write", path);
  fwrite(pre, 1, 10, f);
  fwrite(header, 1, (size_t)len, f);
  for (len += 10; len < total - 1; ++len)
    fputc(' ', f);
  fputc('\n', f);
  fwrite(data, 4, (size_t)(rows * cols), f);
  if (fclose(f))
    die("cannot write", path);
}

/* Fills `params` from a safetensors file, tensor by tensor as `table`
 * places them (the header's name -> offset and shape table). */
static void load_safetensors(const char *path, float *params,
                             const deepc_tensor_info *table, int count) {
  FILE *f = fopen(path, "rb");
  unsigned char len8[8];
  uint64_t header = 0;
  char *text;
  int i, k;
  if (!f || fread(len8, 1, 8, f) != 8)
    die("not a safetensors file", path);
  for (k = 7; k >= 0; --k)
    header = header << 8 | len8[k];
  text = (char *)xmalloc((size_t)header + 1);
  if (fread(text, 1, (size_t)header, f) != (size_t)header)
    die("truncated", path);
  for (i = 0; i < count; ++i) {
    char key[256];
    char *at;
    long long begin, end;
    snprintf(key, sizeof key, "\"%s\"", table[i].name);
    at = strstr(text, key);
    if (!at || !(at = strstr(at, "\"data_offsets\"")) ||
        sscanf(strchr(at, '[') + 1, "%lld , %lld", &begin, &end) != 2 ||
        end - begin != table[i].numel * 4)
      die("missing or misshapen tensor", table[i].name);
    if (fseek(f, (long)(8 + header + (uint64_t)begin), SEEK_SET) ||
        fread(params + table[i].offset, 4, (size_t)table[i].numel, f) !=
            (size_t)table[i].numel)
      die("truncated", path);
  }
  fclose(f);
  free(text);
}

static void save_safetensors(const char *path, const float *params,
                             const deepc_tensor_info *table, int count) {
  char *json = (char *)xmalloc(256 * (size_t)count + 16);
  size_t len = 1, pad;
  uint64_t header;
  int i, k;
  FILE *f = fopen(path, "wb");
  if (!f)
    die("cannot write", path);
  strcpy(json, "{");
  for (i = 0; i < count; ++i) {
    len += (size_t)sprintf(json + len, "%s\"%s\":{\"dtype\":\"F32\",\"shape\":[",
                           i ? "," : "", table[i].name);
    for (k = 0; k < table[i].rank; ++k)
      len += (size_t)sprintf(json + len, "%s%lld", k ? "," : "",
                             (long long)table[i].shape[k]);
    len += (size_t)sprintf(json + len, "],\"data_offsets\":[%lld,%lld]}",
                           (long long)table[i].offset * 4,
                           (long long)(table[i].offset + table[i].numel) * 4);
  }
  json[len++] = '}';
  pad = (8 - len % 8) % 8;
  header = len + pad;
  for (k = 0; k < 8; ++k)
    fputc((int)(header >> (8 * k) & 0xff), f);
  fwrite(json, 1, len, f);
  for (; pad; --pad)
    fputc(' ', f);
  if (count)
    fwrite(params, 4,
           (size_t)(table[count - 1].offset + table[count - 1].numel), f);
  if (fclose(f))
    die("cannot write", path);
  free(json);
}

static float *load_params(const char *weights) {
  float *params = (float *)xmalloc(sizeof(float) * (size_t)M(_param_count)());
  if (!strncmp(weights, "seed:", 5))
    M(_init_params)(params, strtoull(weights + 5, NULL, 10));
  else
    load_safetensors(weights, params, M(_params),
                     (int)(sizeof M(_params) / sizeof M(_params)[0]));
  return params;
}

/* Runs the model on x in batches of `batch` (the last one may be smaller). */
static float *predict(const float *params, const float *x, int64_t rows,
                      int64_t batch) {
  int64_t start;
  float *out = (float *)xmalloc(sizeof(float) * (size_t)rows * M(_out_size));
  if (batch <= 0)
    die("the batch size must be positive", NULL);
  for (start = 0; start < rows; start += batch) {
    int64_t n = rows - start < batch ? rows - start : batch;
    if (M(_forward)(params, x + start * M(_x_size), n,
                    out + start * M(_out_size)))
      die("forward failed", NULL);
  }
  return out;
}

int main(int argc, char **argv) {
  int64_t rows, cols, yRows, yCols;
  if (argc == 4 && !strcmp(argv[1], "init")) {
    float *params = (float *)xmalloc(sizeof(float) * (size_t)M(_param_count)());
    M(_init_params)(params, strtoull(argv[2], NULL, 10));
    save_safetensors(argv[3], params, M(_params),
                     (int)(sizeof M(_params) / sizeof M(_params)[0]));
    free(params);
    return 0;
  }
  if (argc == 6 && !strcmp(argv[1], "forward")) {
    float *params = load_params(argv[2]);
    float *x = (float *)read_npy(argv[3], "<f4", &rows, &cols);
    float *out;
    if (cols != M(_x_size))
      die("x does not have the model's sample shape", argv[3]);
    out = predict(params, x, rows, atoll(argv[4]));
    write_npy(argv[5], out, rows, M(_out_size));
    free(out);
    free(x);
    free(params);
    return 0;
  }
  if ((argc == 9 || argc == 10) && !strcmp(argv[1], "train")) {
    /* A block that trains several models has its own params layout. */
    int own = T(_param_count)() != M(_param_count)();
    float *params = own ? (float *)xmalloc(sizeof(float) *
                                           (size_t)T(_param_count)())
                        : load_params(argv[2]);
    float *state = (float *)xmalloc(sizeof(float) * (size_t)T(_state_count)());
    float *x = (float *)read_npy(argv[3], "<f4", &rows, &cols);
    int32_t *y = (int32_t *)read_npy(argv[4], "<i4", &yRows, &yCols);
    int64_t batch = atoll(argv[5]), steps = atoll(argv[6]), step, start = 0;
    float lr = (float)atof(argv[7]);
    if (own)
      load_safetensors(argv[2], params, T(_params),
                       (int)(sizeof T(_params) / sizeof T(_params)[0]));
    if (cols != M(_x_size) || yRows != rows || yCols != 1)
      die("x does not fit the model, or y does not fit x", NULL);
    for (step = 0; step < steps; ++step) {
      int64_t n = rows - start < batch ? rows - start : batch;
      float loss;
      if (T(_step)(params, state, x + start * cols, y + start, n, lr, &loss))
        die("step failed", NULL);
      printf("step %lld loss %.9g\n", (long long)step, loss);
      start = start + n == rows ? 0 : start + n;
    }
    save_safetensors(argv[8], params, T(_params),
                     (int)(sizeof T(_params) / sizeof T(_params)[0]));
    if (argc == 10 && !own) {
      float *out = predict(params, x, rows, batch);
      write_npy(argv[9], out, rows, M(_out_size));
      free(out);
    }
    free(y);
    free(x);
    free(state);
    free(params);
    return 0;
  }
  if (argc == 2 && !strcmp(argv[1], "check")) {
    static float params[1 << 20], state[1 << 20], x[4096], out[4096];
    static int32_t y[16];
    float loss;
    int bad = 0;
    bad += !M(_forward)(NULL, x, 1, out);
    bad += !M(_forward)(params, NULL, 1, out);
    bad += !M(_forward)(params, x, 1, NULL);
    bad += !M(_forward)(params, x, 0, out);
    bad += !M(_forward)(params, x, -3, out);
    bad += !T(_step)(NULL, state, x, y, 1, 0.1f, &loss);
    bad += !T(_step)(params, state, NULL, y, 1, 0.1f, &loss);
    bad += !T(_step)(params, state, x, NULL, 1, 0.1f, &loss);
    bad += !T(_step)(params, state, x, y, 1, 0.1f, NULL);
    bad += !T(_step)(params, state, x, y, 0, 0.1f, &loss);
    if (T(_state_count)() > 0)
      bad += !T(_step)(params, NULL, x, y, 1, 0.1f, &loss);
    else /* no state: null is fine */
      bad += T(_step)(params, NULL, x, y, 1, 0.1f, &loss) != 0;
    M(_init_params)(NULL, 1);
    bad += M(_forward)(params, x, 1, out) != 0;
    printf("%s\n", bad ? "FAIL" : "ok: bad arguments refused");
    return bad != 0;
  }
  fprintf(stderr, "usage: see the comment at the top of deepc_demo.c\n");
  return 2;
}
