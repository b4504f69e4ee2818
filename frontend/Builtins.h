//===- Builtins.h - Signatures of the built-in functions --------*- C++ -*-===//
//
// One table of every built-in of the language: its name, what kind of thing
// it is and its parameters. Sema matches call arguments against it; the
// rules for types and shapes live in SemaCalls.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_FRONTEND_BUILTINS_H
#define DEEPC_FRONTEND_BUILTINS_H

#include "frontend/AST.h"

namespace deepc {

/// Where a built-in may appear.
enum class BuiltinCategory {
  Function,  // anywhere a tensor expression may appear
  Layer,     // creates parameters: only inside a model
  Loss,      // anywhere; gives a scalar
  Optimizer, // only as a train block's `optimizer`
  Schedule,  // only as a train block's `schedule`
  Init,      // only as a `param`'s initializer
};

struct BuiltinParam {
  const char *name;
  /// A required parameter has no default.
  bool required;
  /// May be given by position (required ones always may); all parameters
  /// may be given by keyword.
  bool positional;
};

struct BuiltinInfo {
  ast::Builtin id;
  const char *name;
  BuiltinCategory category;
  llvm::ArrayRef<BuiltinParam> params;
  /// `concat`: any number of tensors, then `axis`.
  bool variadic = false;
};

/// Every built-in, in table order.
llvm::ArrayRef<BuiltinInfo> allBuiltins();
/// The built-in called `name`, or null.
const BuiltinInfo *lookupBuiltin(llvm::StringRef name);
/// The table entry of `id` (not `None`).
const BuiltinInfo &getBuiltinInfo(ast::Builtin id);

} // namespace deepc

#endif // DEEPC_FRONTEND_BUILTINS_H
