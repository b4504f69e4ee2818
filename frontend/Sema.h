//===- Sema.h - Names, types and shapes of .nn programs ---------*- C++ -*-===//
//
// Checks a parsed program and annotates it: every expression gets its type,
// every name what it refers to, every call its built-in, its arguments in
// signature order and the parameters it creates. An expression whose type
// is invalid has already been reported, so its users stay silent: one
// mistake gives one message.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_FRONTEND_SEMA_H
#define DEEPC_FRONTEND_SEMA_H

#include "frontend/AST.h"
#include "frontend/Builtins.h"
#include "frontend/Diagnostics.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringMap.h"

namespace deepc {

class Sema {
public:
  Sema(Diagnostics &diags, ast::Program &program)
      : diags(diags), program(program) {}
  /// Checks the whole program; returns false if anything was reported.
  bool run();

private:
  struct Symbol {
    ast::NameExpr::Ref ref;
    ast::Type type;
    llvm::SMLoc loc;
  };
  /// The state of the model or train block being checked.
  struct Body {
    ast::ModelDecl *model = nullptr; // null in a train block
    llvm::StringMap<Symbol> scope;
    /// Dimension names bound by the inputs (all dynamic).
    llvm::StringMap<llvm::SMLoc> dims;
    /// Calls so far of each layer or model, for `<layer>_<k>` names.
    llvm::StringMap<unsigned> callCounts;
    llvm::StringMap<llvm::SMLoc> paramNames;
    /// Result types already reported (unknown dimension names).
    llvm::SmallPtrSet<const ast::TypeSpec *, 2> badResults;
  };
  enum class ModelState { Unchecked, InProgress, Done };
  /// The longest chain of nested model calls MLIRGen inlines (recursively)
  /// and Sema checks (recursively, when a model calls one defined after
  /// it): more is an error, not a stack overflow.
  static constexpr unsigned kMaxModelDepth = 256;

  // Sema.cpp: declarations, statements, names, operators.
  void checkModel(ast::ModelDecl &model);
  void checkTrain(ast::TrainDecl &train);
  bool checkInputs(std::vector<ast::InputDecl> &inputs);
  bool checkDimsBound(const ast::TypeSpec &spec, llvm::StringRef what);
  void checkParam(ast::ParamStmt &param);
  void checkReturn(ast::ReturnStmt &ret);
  void checkSetting(ast::TrainDecl &train, ast::BindingStmt &setting);
  bool bind(llvm::StringRef name, llvm::SMLoc loc, Symbol symbol);
  void addParam(ast::ParamInfo info);
  ast::Type checkExpr(ast::Expr &e, llvm::StringRef bindingName = {});
  /// Whether `e` keeps a bf16 type (a name, `bf16(x)`, a model call); any
  /// other bf16 expression is computed, and typed, in f32.
  static bool isStorage(const ast::Expr &e);
  ast::Type checkName(ast::NameExpr &e);
  ast::Type checkBinary(ast::BinaryExpr &e);
  LLVM_ATTRIBUTE_NOINLINE ast::Type
  binaryRule(ast::BinaryExpr &e, const ast::Type &l, const ast::Type &r);
  LLVM_ATTRIBUTE_NOINLINE void notATensor(ast::Expr &e, llvm::StringRef what);
  ast::Type checkIndex(ast::IndexExpr &e);
  /// A tensor operand of `what`, or an invalid type after an error.
  ast::Type checkTensor(ast::Expr &e, llvm::StringRef what);
  /// Element type of `a op b`, or nullopt after an error.
  std::optional<ast::ElemType> unifyElem(const ast::Type &a, const ast::Type &b,
                                         llvm::StringRef what, llvm::SMLoc loc);
  /// NumPy broadcasting of `a` and `b`, or nullopt after an error.
  std::optional<llvm::SmallVector<ast::Dim, 4>> broadcast(const ast::Type &a,
                                                          const ast::Type &b,
                                                          llvm::StringRef what,
                                                          llvm::SMLoc loc);

  // SemaCalls.cpp: calls of built-ins and models; SemaLayers.cpp: layers,
  // losses and penalties.
  ast::Type checkCall(ast::CallExpr &call, llvm::StringRef bindingName,
                      BuiltinCategory allowed = BuiltinCategory::Function);
  ast::Type checkModelCall(ast::CallExpr &call, llvm::StringRef bindingName);
  bool resolveArgs(ast::CallExpr &call, const BuiltinInfo &info);
  ast::Type checkBuiltin(ast::CallExpr &call, llvm::StringRef bindingName);
  ast::Type checkReduction(ast::CallExpr &call, const ast::Type &x);
  ast::Type checkLayer(ast::CallExpr &call, const ast::Type &x,
                       llvm::StringRef bindingName);
  ast::Type checkShapeOp(ast::CallExpr &call, const ast::Type &x);
  ast::Type checkLoss(ast::CallExpr &call);
  ast::Type checkClassLoss(ast::CallExpr &call, const ast::Type &input,
                           const ast::Type &target);
  bool checkSettingArgs(ast::CallExpr &call);
  std::string paramPrefix(ast::CallExpr &call, llvm::StringRef bindingName);
  /// The constant argument `index` of `call` as an integer (or its
  /// default); reports and returns nullopt if it is not one.
  std::optional<int64_t> intArg(ast::CallExpr &call, unsigned index,
                                std::optional<int64_t> dflt = std::nullopt);
  std::optional<double> numberArg(ast::CallExpr &call, unsigned index,
                                  std::optional<double> dflt = std::nullopt);
  std::optional<bool> boolArg(ast::CallExpr &call, unsigned index, bool dflt);
  /// An int or a tuple/list of ints (axes, kernel sizes).
  std::optional<llvm::SmallVector<int64_t, 4>> intListArg(ast::CallExpr &call,
                                                          unsigned index);
  /// Normalizes `axis` against `rank`; reports if it is out of range.
  std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank,
                                       llvm::SMLoc loc, llvm::StringRef what);
  llvm::SMLoc argLoc(ast::CallExpr &call, unsigned index);

  Diagnostics &diags;
  ast::Program &program;
  llvm::DenseMap<const ast::ModelDecl *, ModelState> modelState;
  /// Models in the longest chain of calls from a checked model, itself
  /// included (1 for a model that calls none).
  llvm::DenseMap<const ast::ModelDecl *, unsigned> modelDepth;
  /// Models whose chain of calls was reported too deep: their callers fail
  /// silently.
  llvm::SmallPtrSet<const ast::ModelDecl *, 4> tooDeep;
  /// Models being checked now (nested checkModel calls).
  unsigned modelsInProgress = 0;
  Body *body = nullptr;
};

/// The name of argument `index` of a built-in call, for messages.
std::string argName(const ast::CallExpr &call, unsigned index);
/// Whether the dimension `a` may equal `b` (equal, or one is `?`).
bool mayEqual(const ast::Dim &a, const ast::Dim &b);

/// `" (did you mean 'x'?)"` for the candidate nearest to `name` by edit
/// distance where it is near enough to be a typo, else empty.
std::string didYouMean(llvm::StringRef name,
                       llvm::ArrayRef<llvm::StringRef> candidates);

/// Constant integer / number / bool value of a literal (with unary minus).
std::optional<int64_t> constInt(const ast::Expr *e);
std::optional<double> constNumber(const ast::Expr *e);

} // namespace deepc

#endif // DEEPC_FRONTEND_SEMA_H
