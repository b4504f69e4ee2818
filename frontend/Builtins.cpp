//===- Builtins.cpp - Signatures of the built-in functions ----------------===//

#include "frontend/Builtins.h"

#include "llvm/Support/ErrorHandling.h"

using namespace deepc;
using ast::Builtin;
using C = BuiltinCategory;

namespace {
constexpr BuiltinParam kX[] = {{"x", true, true}};
constexpr BuiltinParam kLeaky[] = {{"x", true, true}, {"a", true, true}};
constexpr BuiltinParam kPow[] = {{"x", true, true}, {"p", true, true}};
constexpr BuiltinParam kMaxMin[] = {{"x", true, true},
                                    {"y", false, true},
                                    {"axis", false, false},
                                    {"keepdims", false, false}};
constexpr BuiltinParam kWhere[] = {
    {"cond", true, true}, {"a", true, true}, {"b", true, true}};
constexpr BuiltinParam kReduce[] = {
    {"x", true, true}, {"axis", false, false}, {"keepdims", false, false}};
constexpr BuiltinParam kSoftmax[] = {{"x", true, true}, {"axis", false, true}};
constexpr BuiltinParam kReshape[] = {{"x", true, true}, {"shape", true, true}};
constexpr BuiltinParam kTranspose[] = {{"x", true, true}, {"perm", true, true}};
constexpr BuiltinParam kArange[] = {{"n", true, true}};
constexpr BuiltinParam kConcat[] = {{"axis", false, false}};
constexpr BuiltinParam kDense[] = {{"x", true, true},
                                   {"units", true, true},
                                   {"bias", false, false},
                                   {"dtype", false, false}};
constexpr BuiltinParam kConv[] = {
    {"x", true, true},         {"filters", true, true},
    {"kernel", true, true},    {"stride", false, false},
    {"padding", false, false}, {"dilation", false, false},
    {"groups", false, false},  {"dtype", false, false}};
constexpr BuiltinParam kPool[] = {
    {"x", true, true}, {"k", true, true}, {"stride", false, false}};
constexpr BuiltinParam kAdaptive[] = {{"x", true, true}, {"size", true, true}};
constexpr BuiltinParam kUpsample[] = {
    {"x", true, true}, {"scale", true, true}, {"mode", false, false}};
constexpr BuiltinParam kBatchNorm[] = {
    {"x", true, true}, {"momentum", false, false}, {"eps", false, false}};
constexpr BuiltinParam kLayerNorm[] = {
    {"x", true, true}, {"eps", false, false}, {"dtype", false, false}};
constexpr BuiltinParam kDropout[] = {{"x", true, true}, {"p", true, true}};
constexpr BuiltinParam kEmbedding[] = {{"ids", true, true},
                                       {"vocab", true, true},
                                       {"dim", true, true},
                                       {"dtype", false, false}};
constexpr BuiltinParam kRecurrent[] = {
    {"x", true, true}, {"units", true, true}, {"reverse", false, false}};
constexpr BuiltinParam kCrossEntropy[] = {{"logits", true, true},
                                          {"labels", true, true},
                                          {"weight", false, false},
                                          {"ignore_index", false, false},
                                          {"label_smoothing", false, false}};
constexpr BuiltinParam kNll[] = {{"log_probs", true, true},
                                 {"labels", true, true},
                                 {"weight", false, false},
                                 {"ignore_index", false, false}};
constexpr BuiltinParam kHuber[] = {
    {"a", true, true}, {"b", true, true}, {"delta", false, false}};
constexpr BuiltinParam kPair[] = {{"a", true, true}, {"b", true, true}};
constexpr BuiltinParam kModel[] = {{"m", true, true}};
constexpr BuiltinParam kSgd[] = {{"lr", true, true},
                                 {"momentum", false, false},
                                 {"nesterov", false, false},
                                 {"weight_decay", false, false}};
constexpr BuiltinParam kAdam[] = {{"lr", true, true},
                                  {"beta1", false, false},
                                  {"beta2", false, false},
                                  {"eps", false, false}};
constexpr BuiltinParam kAdamW[] = {{"lr", true, true},
                                   {"beta1", false, false},
                                   {"beta2", false, false},
                                   {"eps", false, false},
                                   {"weight_decay", false, false}};
constexpr BuiltinParam kStep[] = {{"every", true, true}, {"gamma", true, true}};
constexpr BuiltinParam kCosine[] = {{"warmup", false, false}};
constexpr BuiltinParam kNormal[] = {{"mean", true, true}, {"std", true, true}};
constexpr BuiltinParam kUniform[] = {{"lo", true, true}, {"hi", true, true}};

const BuiltinInfo kBuiltins[] = {
    {Builtin::Relu, "relu", C::Function, kX},
    {Builtin::LeakyRelu, "leaky_relu", C::Function, kLeaky},
    {Builtin::Gelu, "gelu", C::Function, kX},
    {Builtin::Tanh, "tanh", C::Function, kX},
    {Builtin::Sigmoid, "sigmoid", C::Function, kX},
    {Builtin::Exp, "exp", C::Function, kX},
    {Builtin::Log, "log", C::Function, kX},
    {Builtin::Sqrt, "sqrt", C::Function, kX},
    {Builtin::Rsqrt, "rsqrt", C::Function, kX},
    {Builtin::Abs, "abs", C::Function, kX},
    {Builtin::Neg, "neg", C::Function, kX},
    {Builtin::Pow, "pow", C::Function, kPow},
    {Builtin::Max, "max", C::Function, kMaxMin},
    {Builtin::Min, "min", C::Function, kMaxMin},
    {Builtin::Where, "where", C::Function, kWhere},
    {Builtin::CastBf16, "bf16", C::Function, kX},
    {Builtin::CastF32, "f32", C::Function, kX},
    {Builtin::Sum, "sum", C::Function, kReduce},
    {Builtin::Mean, "mean", C::Function, kReduce},
    {Builtin::Argmax, "argmax", C::Function, kReduce},
    {Builtin::Softmax, "softmax", C::Function, kSoftmax},
    {Builtin::LogSoftmax, "log_softmax", C::Function, kSoftmax},
    {Builtin::Reshape, "reshape", C::Function, kReshape},
    {Builtin::Flatten, "flatten", C::Function, kX},
    {Builtin::Transpose, "transpose", C::Function, kTranspose},
    {Builtin::Concat, "concat", C::Function, kConcat, /*variadic=*/true},
    {Builtin::Arange, "arange", C::Function, kArange},
    {Builtin::Dense, "dense", C::Layer, kDense},
    {Builtin::Conv1d, "conv1d", C::Layer, kConv},
    {Builtin::Conv2d, "conv2d", C::Layer, kConv},
    {Builtin::MaxPool1d, "maxpool1d", C::Function, kPool},
    {Builtin::MaxPool2d, "maxpool2d", C::Function, kPool},
    {Builtin::AvgPool1d, "avgpool1d", C::Function, kPool},
    {Builtin::AvgPool2d, "avgpool2d", C::Function, kPool},
    {Builtin::GlobalAvgPool, "global_avgpool", C::Function, kX},
    {Builtin::AdaptiveAvgPool2d, "adaptive_avgpool2d", C::Function, kAdaptive},
    {Builtin::Upsample2d, "upsample2d", C::Function, kUpsample},
    {Builtin::BatchNorm, "batchnorm", C::Layer, kBatchNorm},
    {Builtin::LayerNorm, "layernorm", C::Layer, kLayerNorm},
    {Builtin::Dropout, "dropout", C::Function, kDropout},
    {Builtin::Embedding, "embedding", C::Layer, kEmbedding},
    {Builtin::Lstm, "lstm", C::Layer, kRecurrent},
    {Builtin::Gru, "gru", C::Layer, kRecurrent},
    {Builtin::CrossEntropy, "cross_entropy", C::Loss, kCrossEntropy},
    {Builtin::Mse, "mse", C::Loss, kPair},
    {Builtin::BceWithLogits, "bce_with_logits", C::Loss, kPair},
    {Builtin::Nll, "nll", C::Loss, kNll},
    {Builtin::L1Loss, "l1_loss", C::Loss, kPair},
    {Builtin::Huber, "huber", C::Loss, kHuber},
    {Builtin::L1, "l1", C::Loss, kModel},
    {Builtin::L2, "l2", C::Loss, kModel},
    {Builtin::Sgd, "sgd", C::Optimizer, kSgd},
    {Builtin::Adam, "adam", C::Optimizer, kAdam},
    {Builtin::AdamW, "adamw", C::Optimizer, kAdamW},
    {Builtin::Constant, "constant", C::Schedule, {}},
    {Builtin::Step, "step", C::Schedule, kStep},
    {Builtin::Cosine, "cosine", C::Schedule, kCosine},
    {Builtin::Zeros, "zeros", C::Init, {}},
    {Builtin::Ones, "ones", C::Init, {}},
    {Builtin::Normal, "normal", C::Init, kNormal},
    {Builtin::Uniform, "uniform", C::Init, kUniform},
    {Builtin::GlorotUniform, "glorot_uniform", C::Init, {}},
    {Builtin::HeNormal, "he_normal", C::Init, {}},
};
} // namespace

llvm::ArrayRef<BuiltinInfo> deepc::allBuiltins() { return kBuiltins; }

const BuiltinInfo *deepc::lookupBuiltin(llvm::StringRef name) {
  for (const BuiltinInfo &info : kBuiltins)
    if (name == info.name)
      return &info;
  return nullptr;
}

const BuiltinInfo &deepc::getBuiltinInfo(Builtin id) {
  for (const BuiltinInfo &info : kBuiltins)
    if (info.id == id)
      return info;
  llvm_unreachable("no table entry for this built-in");
}
