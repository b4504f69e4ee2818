//===- AST.h - The abstract syntax tree of .nn files ------------*- C++ -*-===//
//
// The parser builds the tree, Sema fills in the checked types and the facts
// MLIRGen needs (resolved names and built-ins, parameter names), the printer
// and MLIRGen read it. Every node has a source range into the SourceMgr.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_FRONTEND_AST_H
#define DEEPC_FRONTEND_AST_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"
#include "llvm/Support/raw_ostream.h"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace deepc {
namespace ast {

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

/// Element types of the language.
enum class ElemType { F32, BF16, I32, I64, Bool };

/// The shortest decimal spelling that reads back as `v` (`0.02`, `1e-05`).
std::string formatNumber(double v);

/// Spelling of an element type (`f32`).
llvm::StringRef elemTypeName(ElemType t);
bool isFloat(ElemType t);
bool isInteger(ElemType t);
/// The element type arithmetic on `t` is done in: bf16 is a storage type
/// whose values are computed with in f32; others are their own.
ElemType computeType(ElemType t);

/// One dimension: a static size, a name (`N`, a runtime value bound by a
/// model's inputs), or unknown (`?`, e.g. what a `-1` in a reshape of a
/// dynamic shape becomes).
struct Dim {
  int64_t size = -1;
  std::string name;

  static Dim fixed(int64_t s) { return Dim{s, {}}; }
  static Dim named(llvm::StringRef n) { return Dim{-1, n.str()}; }
  static Dim unknown() { return Dim{}; }
  bool isStatic() const { return size >= 0; }
  bool isNamed() const { return size < 0 && !name.empty(); }
  bool isUnknown() const { return size < 0 && name.empty(); }
  bool operator==(const Dim &o) const {
    return size == o.size && name == o.name;
  }
  bool operator!=(const Dim &o) const { return !(*this == o); }
};

/// What an expression denotes. Most are tensors; the others appear only
/// where the language expects them (`l2(mlp)`, `optimizer = sgd(...)`).
enum class ValueKind { Invalid, Tensor, Model, Optimizer, Schedule, Init };

/// The checked type of an expression, or a declared tensor type.
struct Type {
  ValueKind kind = ValueKind::Invalid;
  ElemType elem = ElemType::F32;
  llvm::SmallVector<Dim, 4> dims;
  /// A literal without a type of its own (`2`, `0.5`): it takes the element
  /// type of the tensor it meets.
  bool weak = false;

  static Type tensor(ElemType e, llvm::ArrayRef<Dim> dims = {}) {
    Type t;
    t.kind = ValueKind::Tensor;
    t.elem = e;
    t.dims.assign(dims.begin(), dims.end());
    return t;
  }
  static Type of(ValueKind k) {
    Type t;
    t.kind = k;
    return t;
  }
  bool isValid() const { return kind != ValueKind::Invalid; }
  bool isTensor() const { return kind == ValueKind::Tensor; }
  int64_t rank() const { return dims.size(); }
  /// `f32[N, 10]`, `f32` for a scalar, `model`, `optimizer`, ...
  std::string str() const;
};

/// A type as written in the source, with the place of each dimension.
struct TypeSpec {
  Type type;
  llvm::SMRange range;
  llvm::SmallVector<llvm::SMLoc, 4> dimLocs;
};

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

/// Built-in functions and values known to Sema. `None` is a model call or an
/// unresolved name.
enum class Builtin {
  None,
  // elementwise
  Relu,
  LeakyRelu,
  Gelu,
  Tanh,
  Sigmoid,
  Exp,
  Log,
  Sqrt,
  Rsqrt,
  Abs,
  Neg,
  Pow,
  Max,
  Min,
  Where,
  // storage-type conversions (`bf16(x)`, `f32(x)`)
  CastBf16,
  CastF32,
  // reductions and normalizations along an axis
  Sum,
  Mean,
  Argmax,
  Softmax,
  LogSoftmax,
  // shape
  Reshape,
  Flatten,
  Transpose,
  Concat,
  Arange,
  // layers
  Dense,
  Conv1d,
  Conv2d,
  MaxPool1d,
  MaxPool2d,
  AvgPool1d,
  AvgPool2d,
  GlobalAvgPool,
  AdaptiveAvgPool2d,
  Upsample2d,
  BatchNorm,
  LayerNorm,
  Dropout,
  Embedding,
  Lstm,
  Gru,
  // losses and penalties
  CrossEntropy,
  Mse,
  BceWithLogits,
  Nll,
  L1Loss,
  Huber,
  L1,
  L2,
  // optimizers and schedules
  Sgd,
  Adam,
  AdamW,
  Constant,
  Step,
  Cosine,
  // initializers
  Zeros,
  Ones,
  Normal,
  Uniform,
  GlorotUniform,
  HeNormal,
};

class Expr {
public:
  enum class Kind {
    Number,
    Bool,
    Name,
    Unary,
    Binary,
    Call,
    List,
    Tuple,
    Index
  };
  Expr(Kind kind, llvm::SMRange range) : kind(kind), range(range) {}
  virtual ~Expr() = default;
  Kind getKind() const { return kind; }
  llvm::SMRange getRange() const { return range; }
  llvm::SMLoc getLoc() const { return range.Start; }

  /// Filled in by Sema.
  Type type;

private:
  Kind kind;
  llvm::SMRange range;
};
using ExprPtr = std::unique_ptr<Expr>;

/// `3`, `0.02`, `1e-4`.
class NumberExpr : public Expr {
public:
  NumberExpr(llvm::SMRange r, bool isInt, int64_t i, double f)
      : Expr(Kind::Number, r), isInt(isInt), intValue(i), floatValue(f) {}
  bool isInt;
  int64_t intValue;
  double floatValue; // also set for integers
  static bool classof(const Expr *e) { return e->getKind() == Kind::Number; }
};

/// `true`, `false`.
class BoolExpr : public Expr {
public:
  BoolExpr(llvm::SMRange r, bool v) : Expr(Kind::Bool, r), value(v) {}
  bool value;
  static bool classof(const Expr *e) { return e->getKind() == Kind::Bool; }
};

/// A reference to an input, binding, parameter, model or built-in value.
class NameExpr : public Expr {
public:
  enum class Ref { Unresolved, Input, Binding, Param, Model, Builtin };
  NameExpr(llvm::SMRange r, llvm::StringRef name)
      : Expr(Kind::Name, r), name(name.str()) {}
  std::string name;
  Ref ref = Ref::Unresolved;       // Sema
  Builtin builtin = Builtin::None; // Sema, for Ref::Builtin
  static bool classof(const Expr *e) { return e->getKind() == Kind::Name; }
};

/// `-x`.
class UnaryExpr : public Expr {
public:
  UnaryExpr(llvm::SMRange r, ExprPtr operand)
      : Expr(Kind::Unary, r), operand(std::move(operand)) {}
  ExprPtr operand;
  static bool classof(const Expr *e) { return e->getKind() == Kind::Unary; }
};

enum class BinaryOp { Add, Sub, Mul, Div, MatMul, Lt, Le, Gt, Ge, Eq, Ne };
llvm::StringRef binaryOpSpelling(BinaryOp op);

/// `a + b`, `a @ b`, `a < b`; the range's start is the operator.
class BinaryExpr : public Expr {
public:
  BinaryExpr(llvm::SMRange r, BinaryOp op, ExprPtr lhs, ExprPtr rhs)
      : Expr(Kind::Binary, r), op(op), lhs(std::move(lhs)),
        rhs(std::move(rhs)) {}
  BinaryOp op;
  ExprPtr lhs, rhs;
  static bool classof(const Expr *e) { return e->getKind() == Kind::Binary; }
};

/// `name = value` inside a call's parentheses.
struct KeywordArg {
  std::string name;
  llvm::SMRange range;
  ExprPtr value;
};

/// The parameters a layer or model call creates, in creation order.
struct ParamInfo {
  std::string name; // `fc1.weight`
  Type type;
  Builtin init = Builtin::Uniform;
  llvm::SmallVector<double, 2> initArgs;
  llvm::SMLoc loc; // where it is created
  /// Not trained: batchnorm's running statistics, which a training step
  /// updates itself (`nn.buffer`, docs/TRAINING.md).
  bool buffer = false;
};

/// `f(a, b, k = v)`; the range's start is the callee name.
class CallExpr : public Expr {
public:
  CallExpr(llvm::SMRange r, llvm::StringRef callee, llvm::SMRange calleeRange)
      : Expr(Kind::Call, r), callee(callee.str()), calleeRange(calleeRange) {}
  std::string callee;
  llvm::SMRange calleeRange;
  std::vector<ExprPtr> args;
  std::vector<KeywordArg> keywords;

  // Filled in by Sema.
  Builtin builtin = Builtin::None;
  /// Arguments in the order of the built-in's signature; null where a
  /// default applies. For `concat`, the tensors then the axis.
  std::vector<Expr *> resolved;
  /// The callee of a model call.
  const struct ModelDecl *model = nullptr;
  /// Parameters this call creates (layers and model calls).
  std::vector<ParamInfo> params;
  /// Prefix of those parameters, without the dot (`fc1`, `dense_1`).
  std::string paramPrefix;
  /// Normalized constant integers: the sorted axes of a reduction (empty
  /// when it reduces everything), the axis of `softmax`, `argmax` and
  /// `concat`, the permutation of `transpose`.
  llvm::SmallVector<int64_t, 4> axes;
  bool keepdims = false;
  /// The convolutions and the pools: kernel, stride, padding (on each
  /// side) and dilation, height and width each (padding 0 and dilation 1
  /// for the pools; height 1, stride 1, padding 0, dilation 1 for the 1-D
  /// forms), and groups.
  std::array<int64_t, 2> kernel{}, stride{}, padding{}, dilation{1, 1};
  /// `padding = same` where the total padding is odd: one more zero row or
  /// column after the input than before it (as PyTorch pads), 0 or 1.
  std::array<int64_t, 2> padExtra{};
  int64_t groups = 1;
  /// `upsample2d`: bilinear (else nearest). Its scale, and the output size
  /// of `adaptive_avgpool2d`, are in `kernel`.
  bool bilinear = false;
  /// `lstm`, `gru`: `reverse = true` runs the sequence from its end.
  bool reverse = false;

  static bool classof(const Expr *e) { return e->getKind() == Kind::Call; }
};

/// `[a, b, c]`.
class ListExpr : public Expr {
public:
  ListExpr(llvm::SMRange r) : Expr(Kind::List, r) {}
  std::vector<ExprPtr> elements;
  static bool classof(const Expr *e) { return e->getKind() == Kind::List; }
};

/// `(a, b)`.
class TupleExpr : public Expr {
public:
  TupleExpr(llvm::SMRange r) : Expr(Kind::Tuple, r) {}
  std::vector<ExprPtr> elements;
  static bool classof(const Expr *e) { return e->getKind() == Kind::Tuple; }
};

/// One entry of a subscript: an index `k`, or a slice `lo:hi` with either
/// bound optional.
struct Subscript {
  llvm::SMRange range;
  bool isSlice = false;
  ExprPtr index; // when !isSlice
  ExprPtr lo, hi;
};

/// `x[i:j, :, k]`; the range's start is the `[`.
class IndexExpr : public Expr {
public:
  IndexExpr(llvm::SMRange r, ExprPtr base)
      : Expr(Kind::Index, r), base(std::move(base)) {}
  ExprPtr base;
  std::vector<Subscript> subscripts;
  /// Filled in by Sema: per dimension of `base`, the kept range
  /// [begin, end) or, when `dropped`, the single index `begin`.
  struct DimSlice {
    int64_t begin = 0, end = -1;
    bool dropped = false;
  };
  std::vector<DimSlice> slices;
  static bool classof(const Expr *e) { return e->getKind() == Kind::Index; }
};

//===----------------------------------------------------------------------===//
// Statements and declarations
//===----------------------------------------------------------------------===//

/// `x: f32[N, 784]` in a model's or train block's header.
struct InputDecl {
  std::string name;
  llvm::SMRange range;
  TypeSpec type;
};

class Stmt {
public:
  enum class Kind { Binding, Param, Return };
  Stmt(Kind kind, llvm::SMRange range) : kind(kind), range(range) {}
  virtual ~Stmt() = default;
  Kind getKind() const { return kind; }
  llvm::SMRange getRange() const { return range; }
  llvm::SMLoc getLoc() const { return range.Start; }

private:
  Kind kind;
  llvm::SMRange range;
};
using StmtPtr = std::unique_ptr<Stmt>;

/// `name = expr` (also a train block's `key = value`).
class BindingStmt : public Stmt {
public:
  BindingStmt(llvm::SMRange r, llvm::StringRef name, ExprPtr value)
      : Stmt(Kind::Binding, r), name(name.str()), value(std::move(value)) {}
  std::string name;
  ExprPtr value;
  static bool classof(const Stmt *s) { return s->getKind() == Kind::Binding; }
};

/// `param name: type = init`.
class ParamStmt : public Stmt {
public:
  ParamStmt(llvm::SMRange r, llvm::StringRef name, TypeSpec type, ExprPtr init)
      : Stmt(Kind::Param, r), name(name.str()), type(std::move(type)),
        init(std::move(init)) {}
  std::string name;
  llvm::SMRange nameRange;
  TypeSpec type;
  ExprPtr init;
  static bool classof(const Stmt *s) { return s->getKind() == Kind::Param; }
};

/// `return a` or `return a, b`.
class ReturnStmt : public Stmt {
public:
  ReturnStmt(llvm::SMRange r) : Stmt(Kind::Return, r) {}
  std::vector<ExprPtr> values;
  static bool classof(const Stmt *s) { return s->getKind() == Kind::Return; }
};

/// `model name(inputs) -> results { body }`.
struct ModelDecl {
  std::string name;
  llvm::SMRange range;     // the `model` keyword to the closing brace
  llvm::SMRange nameRange; // the name
  std::vector<InputDecl> inputs;
  std::vector<TypeSpec> results;
  std::vector<StmtPtr> body;
  /// Filled in by Sema: every parameter in creation order, `param`s and
  /// those of layer and model calls (under their prefixes).
  std::vector<ParamInfo> params;
};

/// `train name(inputs) { key = value ... }`.
struct TrainDecl {
  std::string name;
  llvm::SMRange range;
  llvm::SMRange nameRange;
  std::vector<InputDecl> inputs;
  /// The settings in source order (`loss`, `optimizer`, `batch`, ...).
  std::vector<std::unique_ptr<BindingStmt>> settings;
  /// Filled in by Sema: the setting of each key, or null.
  const BindingStmt *setting(llvm::StringRef key) const;
};

/// A whole `.nn` file.
struct Program {
  std::string fileName;
  /// The source text (owned by the SourceMgr) that every location points
  /// into.
  llvm::StringRef source;
  std::vector<std::unique_ptr<ModelDecl>> models;
  std::vector<std::unique_ptr<TrainDecl>> trains;

  const ModelDecl *findModel(llvm::StringRef name) const;
};

} // namespace ast
} // namespace deepc

#endif // DEEPC_FRONTEND_AST_H
