//===- MLIRGen.h - From the checked AST to the nn dialect -------*- C++ -*-===//
//
// The emitter behind `deepc::mlirGen`, shared by its two files: MLIRGen.cpp
// (models, expressions, built-ins) and MLIRGenTrain.cpp (inlined model
// calls, losses and penalties, train blocks). Private to the frontend.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_FRONTEND_MLIRGEN_H
#define DEEPC_FRONTEND_MLIRGEN_H

#include "frontend/Diagnostics.h"
#include "frontend/Frontend.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

namespace deepc {

class MLIRGen {
public:
  MLIRGen(mlir::MLIRContext &ctx, llvm::SourceMgr &sm)
      : ctx(ctx), sm(sm), diags(sm), builder(&ctx) {}

  mlir::OwningOpRef<mlir::ModuleOp> run(const ast::Program &program,
                                        const MLIRGenOptions &options);

private:
  /// The names visible in the body being emitted: a model's, a model's
  /// inlined at a call, or a train block's.
  struct Scope {
    /// Inputs and bindings.
    llvm::StringMap<mlir::Value> values;
    /// Parameters under their names in this body (`fc1.weight`; inside an
    /// inlined model, the callee's names bound to the caller's values).
    llvm::StringMap<mlir::Value> params;
    /// Bindings whose value could not be emitted (already reported).
    llvm::StringSet<> failed;
    /// Bindings of literal expressions, emitted where they are used.
    llvm::StringMap<const ast::Expr *> literals;
    /// The train block being emitted, or null in a model.
    const ast::TrainDecl *train = nullptr;
  };

  // MLIRGen.cpp: models and expressions.
  void genModel(const ast::ModelDecl &model);
  /// Emits the statements of `model` into the current scope and collects
  /// the returned values; returns its `return`, or null after an error.
  const ast::ReturnStmt *genBody(const ast::ModelDecl &model,
                                 llvm::SmallVectorImpl<mlir::Value> &results);
  /// Emits `e` for use as an operand: a bf16 value comes extended to f32
  /// (arithmetic on bf16 is done in f32; docs/LANGUAGE.md, bf16).
  mlir::Value gen(const ast::Expr &e, mlir::Type elemHint = {});
  /// Emits `e` as stored: a bf16 name, `bf16(x)` or model result stays bf16.
  mlir::Value genStored(const ast::Expr &e, mlir::Type elemHint = {});
  /// Emits `e` stored as element type `elem` where a declaration says so
  /// (a model's result, a model call's argument): float values are cast.
  mlir::Value genAs(const ast::Expr &e, mlir::Type elem);
  /// `v` in its compute type: bf16 extended to f32, once per value.
  mlir::Value toCompute(mlir::Value v);
  /// `v` (a float tensor) as element type `elem`: nn.cast where it differs.
  mlir::Value castTo(mlir::Value v, mlir::Type elem, mlir::Location loc);
  mlir::Value genBinary(const ast::BinaryExpr &e, mlir::Type elemHint);
  mlir::Value genCall(const ast::CallExpr &call);
  /// Emits `a` and `b`, the typed one first so that a literal takes its
  /// element type; false after an error.
  bool genPair(const ast::Expr &a, const ast::Expr &b, mlir::Value &va,
               mlir::Value &vb, mlir::Type elemHint = {});
  mlir::Value constant(double value, mlir::Type elem, mlir::Location loc);
  mlir::Type elemType(ast::ElemType e, llvm::SMLoc loc);
  mlir::RankedTensorType tensorType(const ast::Type &t, llvm::SMLoc loc);
  mlir::DictionaryAttr paramAttrs(const ast::ParamInfo &p);
  mlir::Location loc(llvm::SMLoc l);
  /// Reports `what` is not supported yet, once per place (an inlined model
  /// is emitted at every call).
  mlir::Value unsupported(llvm::SMLoc l, const llvm::Twine &what);

  // MLIRGenLayers.cpp: convolution and pooling.
  mlir::Value genWindowLayer(const ast::CallExpr &call);
  mlir::Value genResample(const ast::CallExpr &call, mlir::Value x);

  // MLIRGenTrain.cpp: model calls, penalties, train blocks.
  void genTrain(const ast::TrainDecl &train);
  mlir::DictionaryAttr trainSettings(const ast::TrainDecl &train);
  mlir::Value genModelCall(const ast::CallExpr &call);
  mlir::Value genPenalty(const ast::CallExpr &call);

  // MLIRGenLosses.cpp: the losses.
  mlir::Value genLoss(const ast::CallExpr &call);
  mlir::Value genClassLoss(const ast::CallExpr &call, mlir::Value input,
                           mlir::Value target);
  mlir::Value meanAll(mlir::Value x, mlir::Location l);

  // MLIRGenNorm.cpp: the layers that differ in training and inference.
  mlir::Value genBatchNorm(const ast::CallExpr &call);
  mlir::Value genDropout(const ast::CallExpr &call);
  /// In a train block: appends the dropout counter argument and the
  /// updated running statistics and counter to the function.
  void
  finishTrainState(mlir::func::FuncOp func,
                   llvm::SmallVectorImpl<mlir::Type> &argTypes,
                   llvm::SmallVectorImpl<mlir::DictionaryAttr> &argAttrs,
                   llvm::SmallVectorImpl<mlir::Value> &results,
                   llvm::SmallVectorImpl<mlir::DictionaryAttr> &resultAttrs);

  // MLIRGenOps.cpp: comparisons, where, leaky_relu, layernorm, embedding,
  // arange, concat and slices.
  mlir::Value genCompare(const ast::BinaryExpr &e);
  mlir::Value genWhere(const ast::CallExpr &call);
  mlir::Value genLeakyRelu(const ast::CallExpr &call);
  mlir::Value genLayerNorm(const ast::CallExpr &call);
  mlir::Value genEmbedding(const ast::CallExpr &call);
  mlir::Value genRecurrent(const ast::CallExpr &call);
  mlir::Value genArange(const ast::CallExpr &call);
  mlir::Value genConcat(const ast::CallExpr &call);
  mlir::Value genIndex(const ast::IndexExpr &e);

  mlir::MLIRContext &ctx;
  llvm::SourceMgr &sm;
  Diagnostics diags;
  mlir::OpBuilder builder;
  mlir::StringAttr fileName;
  const ast::Program *program = nullptr;
  Scope scope;
  /// Places already reported by `unsupported`.
  llvm::DenseSet<const char *> reported;
  /// In a train block: the loss or penalty call whose first argument is
  /// returned as the logits, and that value once emitted.
  const ast::CallExpr *logitsCall = nullptr;
  mlir::Value logits;
  /// In a train block: the latest value of each running statistic
  /// (argument -> value after the batchnorms emitted so far), the dropout
  /// counter argument once a dropout needs it, and the dropouts so far.
  llvm::DenseMap<mlir::Value, mlir::Value> bufferValues;
  /// The f32 extension of each bf16 value read so far (one nn.cast each).
  llvm::DenseMap<mlir::Value, mlir::Value> computeCopies;
  /// The train block being emitted, inlined models included; null while
  /// emitting a model function.
  const ast::TrainDecl *training = nullptr;
  mlir::Value dropoutCounter;
  int64_t dropoutCount = 0;
};

} // namespace deepc

#endif // DEEPC_FRONTEND_MLIRGEN_H
