//===- NNOps.td - Ops of the nn dialect --------------------*- tablegen -*-===//
//
// The forward ops of docs/DIALECT.md. Shape rules (broadcasting, reduced and
// permuted shapes) live in shared C++ helpers in NNOps.cpp, used both for
// result type inference and for verification.
//
//===----------------------------------------------------------------------===//

#ifndef DEEPC_IR_NNOPS_TD
#define DEEPC_IR_NNOPS_TD

include "ir/NNDialect.td"
include "ir/NNInterfaces.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def NN_Tensor : RankedTensorOf<[AnyType]>;
def NN_FloatTensor : RankedTensorOf<[AnyFloat]>;
def NN_NumTensor : RankedTensorOf<[AnyFloat, AnySignlessInteger]>;
def NN_IndexTensor : RankedTensorOf<[I64]>;
def NN_BoolTensor : RankedTensorOf<[I1]>;
def NN_IntTensor : RankedTensorOf<[AnySignlessInteger]>;
def NN_LabelTensor : RankedTensorOf<[I32, I64]>;
def NN_FloatScalar : 0DTensorOf<[AnyFloat]>;

/// Shorthand for an op with a gradient rule (ir/NNGradients*.cpp).
def NN_Differentiable : DeclareOpInterfaceMethods<NN_DifferentiableOpInterface>;

//===----------------------------------------------------------------------===//
// nn.constant
//===----------------------------------------------------------------------===//

def NN_ConstantOp : NN_Op<"constant",
    [ConstantLike, Pure, InferTypeOpAdaptor]> {
  let summary = "A tensor constant";
  let description = [{
    Materializes a constant tensor; the result type is the type of `value`.

    ```mlir
    %0 = nn.constant dense<[1.0, 2.0]> : tensor<2xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs NN_Tensor:$result);
  let assemblyFormat = "$value attr-dict";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise ops
//===----------------------------------------------------------------------===//

/// A binary elementwise op with NumPy broadcasting; the result shape is the
/// broadcast of the operand shapes.
class NN_BinaryOp<string mnemonic, Type operandType, string what>
    : NN_Op<mnemonic, [Pure, InferTypeOpAdaptor, NN_Differentiable,
                       AllElementTypesMatch<["lhs", "rhs", "result"]>]> {
  let summary = "Elementwise " # what # " with broadcasting";
  let description = [{
    Computes `lhs }] # what # [{ rhs` elementwise. The operands have the
    same element type; their shapes broadcast as in NumPy (aligned on the
    right, a dimension of size 1 stretches). A dynamic dimension against 1
    gives `?`, against a static `k > 1` gives `k`, against `?` gives `?`.

    ```mlir
    %0 = nn.}] # mnemonic # [{ %a, %b : tensor<?x4xf32>, tensor<4xf32> -> tensor<?x4xf32>
    ```
  }];
  let arguments = (ins operandType:$lhs, operandType:$rhs);
  let results = (outs operandType:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *, std::optional<::mlir::Location> loc,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      return inferBroadcastResultType(loc, adaptor.getLhs().getType(),
                                      adaptor.getRhs().getType(), types);
    }
  }];
}

def NN_AddOp : NN_BinaryOp<"add", NN_NumTensor, "+">;
def NN_SubOp : NN_BinaryOp<"sub", NN_NumTensor, "-">;
def NN_MulOp : NN_BinaryOp<"mul", NN_NumTensor, "*">;
def NN_DivOp : NN_BinaryOp<"div", NN_NumTensor, "/">;
def NN_MaxOp : NN_BinaryOp<"max", NN_NumTensor, "max">;
def NN_MinOp : NN_BinaryOp<"min", NN_NumTensor, "min">;
def NN_PowOp : NN_BinaryOp<"pow", NN_FloatTensor, "**">;

/// A unary elementwise op on a float tensor; the result has the operand's
/// type.
class NN_UnaryOp<string mnemonic, string formula>
    : NN_Op<mnemonic, [Pure, SameOperandsAndResultType, InferTypeOpInterface,
                       NN_Differentiable]> {
  let summary = "Elementwise " # mnemonic;
  let description = [{
    Computes `}] # formula # [{` for every element `x` of `input`.

    ```mlir
    %0 = nn.}] # mnemonic # [{ %x : tensor<?x16xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def NN_NegOp : NN_UnaryOp<"neg", "-x">;
def NN_ReluOp : NN_UnaryOp<"relu", "max(x, 0)">;
def NN_TanhOp : NN_UnaryOp<"tanh", "tanh(x)">;
def NN_SigmoidOp : NN_UnaryOp<"sigmoid", "1 / (1 + exp(-x))">;
def NN_GeluOp : NN_UnaryOp<"gelu", "x / 2 * (1 + erf(x / sqrt(2)))">;
def NN_ExpOp : NN_UnaryOp<"exp", "exp(x)">;
def NN_LogOp : NN_UnaryOp<"log", "log(x)">;
def NN_SqrtOp : NN_UnaryOp<"sqrt", "sqrt(x)">;
def NN_RsqrtOp : NN_UnaryOp<"rsqrt", "1 / sqrt(x)">;
def NN_AbsOp : NN_UnaryOp<"abs", "|x|">;
def NN_ErfOp : NN_UnaryOp<"erf", "erf(x)">;

//===----------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------===//

def NN_MatmulOp : NN_Op<"matmul", [Pure, InferTypeOpAdaptor, NN_Differentiable,
    AllElementTypesMatch<["lhs", "rhs", "result"]>]> {
  let summary = "Batched matrix product with broadcast leading dimensions";
  let description = [{
    `lhs[..., M, K] @ rhs[..., K, N] -> [..., M, N]`, as `torch.matmul` for
    operands of rank >= 2: the leading (batch) dimensions broadcast like the
    operands of `nn.add`.

    ```mlir
    %0 = nn.matmul %a, %b : tensor<?x8x16xf32>, tensor<16x4xf32> -> tensor<?x8x4xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$lhs, NN_FloatTensor:$rhs);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
}

def NN_DenseOp : NN_Op<"dense", [Pure, InferTypeOpAdaptor, NN_Differentiable,
    AllElementTypesMatch<["input", "weight", "result"]>]> {
  let summary = "Affine layer: x @ w^T + b, as PyTorch's nn.Linear";
  let description = [{
    `input[..., in]`, `weight[out, in]` and an optional `bias[out]` give
    `result[..., out] = input @ weight^T + bias`.

    ```mlir
    %0 = nn.dense %x, %w, %b : tensor<?x784xf32>, tensor<128x784xf32>, tensor<128xf32> -> tensor<?x128xf32>
    %1 = nn.dense %x, %w : tensor<?x784xf32>, tensor<128x784xf32> -> tensor<?x128xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input, NN_FloatTensor:$weight,
                       Optional<NN_FloatTensor>:$bias);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` type($input) `,`
    type($weight) (`,` type($bias)^)? `->` type($result)
  }];
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

/// A reduction over `axes` (sorted, unique, non-negative), keeping the
/// reduced dimensions as size 1 when `keepdims` is set.
class NN_ReduceOp<string mnemonic, Type operandType, string what>
    : NN_Op<mnemonic, [Pure, InferTypeOpAdaptor, NN_Differentiable,
                       AllElementTypesMatch<["input", "result"]>]> {
  let summary = "The " # what # " over the given axes";
  let description = [{
    Reduces `input` to its }] # what # [{ over `axes` (sorted, unique, in
    `[0, rank)`). The reduced dimensions are dropped, or kept with size 1
    when `keepdims` is true.

    ```mlir
    %0 = nn.}] # mnemonic # [{ %x axes = [1] : tensor<?x10xf32> -> tensor<?xf32>
    %1 = nn.}] # mnemonic # [{ %x axes = [0, 1] {keepdims = true} : tensor<?x10xf32> -> tensor<1x1xf32>
    ```
  }];
  let arguments = (ins operandType:$input, DenseI64ArrayAttr:$axes,
                       DefaultValuedAttr<BoolAttr, "false">:$keepdims);
  let results = (outs operandType:$result);
  let assemblyFormat = [{
    $input `axes` `=` $axes attr-dict `:` type($input) `->` type($result)
  }];
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *, std::optional<::mlir::Location> loc,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      return inferReducedType(loc, adaptor.getInput().getType(),
                              adaptor.getAxes(), adaptor.getKeepdims(),
                              /*elementType=*/nullptr, types);
    }
  }];
}

def NN_ReduceSumOp : NN_ReduceOp<"reduce_sum", NN_NumTensor, "sum">;
def NN_ReduceMeanOp : NN_ReduceOp<"reduce_mean", NN_FloatTensor, "mean">;
def NN_ReduceMaxOp : NN_ReduceOp<"reduce_max", NN_NumTensor, "maximum">;
def NN_ReduceMinOp : NN_ReduceOp<"reduce_min", NN_NumTensor, "minimum">;

def NN_ArgmaxOp : NN_Op<"argmax", [Pure, InferTypeOpAdaptor]> {
  let summary = "Index of the first maximum along an axis";
  let description = [{
    The `i64` index of the maximum of `input` along `axis`; among equal
    maxima the first wins, as in NumPy and PyTorch. `keepdims` keeps the
    reduced dimension with size 1.

    ```mlir
    %0 = nn.argmax %x axis = 1 : tensor<?x10xf32> -> tensor<?xi64>
    ```
  }];
  let arguments = (ins NN_NumTensor:$input, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "false">:$keepdims);
  let results = (outs NN_IndexTensor:$result);
  let assemblyFormat = [{
    $input `axis` `=` $axis attr-dict `:` type($input) `->` type($result)
  }];
}

/// Softmax-like op: normalizes along `axis`, result of the input's type.
class NN_NormalizeOp<string mnemonic, string formula>
    : NN_Op<mnemonic, [Pure, SameOperandsAndResultType, InferTypeOpInterface,
                       NN_Differentiable]> {
  let summary = "The " # mnemonic # " along an axis";
  let description = [{
    Computes `}] # formula # [{` along `axis` (in `[0, rank)`), subtracting
    the maximum first for numerical stability.

    ```mlir
    %0 = nn.}] # mnemonic # [{ %x axis = 1 : tensor<?x10xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input, I64Attr:$axis);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$input `axis` `=` $axis attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def NN_SoftmaxOp : NN_NormalizeOp<"softmax", "exp(x) / sum(exp(x))">;
def NN_LogSoftmaxOp : NN_NormalizeOp<"log_softmax", "x - log(sum(exp(x)))">;

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

def NN_ReshapeOp : NN_Op<"reshape", [Pure, NN_Differentiable,
    AllElementTypesMatch<["input", "result"]>]> {
  let summary = "Reinterprets a tensor with a new shape";
  let description = [{
    Gives the elements of `input`, in row-major order, the result type's
    shape. The result has at most one dynamic dimension; when both shapes
    are static their element counts agree.

    ```mlir
    %0 = nn.reshape %x : tensor<?x28x28xf32> -> tensor<?x784xf32>
    ```
  }];
  let arguments = (ins NN_Tensor:$input);
  let results = (outs NN_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def NN_TransposeOp : NN_Op<"transpose", [Pure, InferTypeOpAdaptor,
                                         NN_Differentiable]> {
  let summary = "Permutes the dimensions of a tensor";
  let description = [{
    Result dimension `i` is input dimension `perm[i]`; `perm` is a
    permutation of `[0, rank)`.

    ```mlir
    %0 = nn.transpose %x perm = [1, 0] : tensor<?x4xf32> -> tensor<4x?xf32>
    ```
  }];
  let arguments = (ins NN_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs NN_Tensor:$result);
  let assemblyFormat = [{
    $input `perm` `=` $perm attr-dict `:` type($input) `->` type($result)
  }];
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Comparison, selection and broadcasting
//===----------------------------------------------------------------------===//

def NN_ComparePredicateAttr : I64EnumAttr<
    "ComparePredicate", "the relation an nn.compare tests", [
      I64EnumAttrCase<"EQ", 0, "eq">, I64EnumAttrCase<"NE", 1, "ne">,
      I64EnumAttrCase<"LT", 2, "lt">, I64EnumAttrCase<"LE", 3, "le">,
      I64EnumAttrCase<"GT", 4, "gt">, I64EnumAttrCase<"GE", 5, "ge">]> {
  let cppNamespace = "::deepc::nn";
}

def NN_CompareOp : NN_Op<"compare", [Pure, InferTypeOpAdaptor,
    AllElementTypesMatch<["lhs", "rhs"]>]> {
  let summary = "Elementwise comparison with broadcasting, giving i1";
  let description = [{
    `lhs <predicate> rhs` elementwise (`eq ne lt le gt ge`), with the
    broadcasting of `nn.add`. Floats compare ordered (any comparison with
    NaN is false except `ne`); integers compare signed.

    ```mlir
    %0 = nn.compare gt, %x, %zero : tensor<?x4xf32>, tensor<f32> -> tensor<?x4xi1>
    ```
  }];
  let arguments = (ins NN_ComparePredicateAttr:$predicate, NN_NumTensor:$lhs,
                       NN_NumTensor:$rhs);
  let results = (outs NN_BoolTensor:$result);
  let assemblyFormat = [{
    $predicate `,` $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->`
    type($result)
  }];
}

def NN_WhereOp : NN_Op<"where", [Pure, InferTypeOpAdaptor, NN_Differentiable,
    AllElementTypesMatch<["true_value", "false_value", "result"]>]> {
  let summary = "Elementwise choice by a condition, with broadcasting";
  let description = [{
    `condition ? true_value : false_value` elementwise, as `torch.where`;
    the three operands broadcast together as in NumPy.

    ```mlir
    %0 = nn.where %c, %g, %zero : tensor<?x4xi1>, tensor<?x4xf32>, tensor<f32> -> tensor<?x4xf32>
    ```
  }];
  let arguments = (ins NN_BoolTensor:$condition, NN_NumTensor:$true_value,
                       NN_NumTensor:$false_value);
  let results = (outs NN_NumTensor:$result);
  let assemblyFormat = [{
    $condition `,` $true_value `,` $false_value attr-dict `:` type($condition)
    `,` type($true_value) `,` type($false_value) `->` type($result)
  }];
}

def NN_BroadcastToOp : NN_Op<"broadcast_to", [Pure, InferTypeOpAdaptor,
    NN_Differentiable]> {
  let summary = "Broadcasts a tensor to the shape of another";
  let description = [{
    Gives `input` the shape of `like` (whose elements are not read; its
    element type may differ), keeping the element type of `input`. Without
    `axes`, dimensions align on the right as in NumPy. With `axes`, those
    (sorted, unique) result dimensions are the ones `input` lacks, and the
    others map to the input's in order, so a reduction without `keepdims`
    broadcasts back. Either way an input dimension is 1 (it stretches) or
    equal to the result's. Dynamic result sizes are read from `like`.

    ```mlir
    %0 = nn.broadcast_to %zero, %x : tensor<f32>, tensor<?x4xf32> -> tensor<?x4xf32>
    %1 = nn.broadcast_to %rowmax, %x axes = [1] : tensor<?xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
    ```
  }];
  let arguments = (ins NN_Tensor:$input, NN_Tensor:$like,
                       OptionalAttr<DenseI64ArrayAttr>:$axes);
  let results = (outs NN_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $like (`axes` `=` $axes^)? attr-dict `:` type($input) `,`
    type($like) `->` type($result)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$input, "::mlir::Value":$like,
                   CArg<"::llvm::ArrayRef<int64_t>", "{}">:$axes), [{
      build($_builder, $_state, input, like,
            axes.empty() ? ::mlir::DenseI64ArrayAttr()
                         : $_builder.getDenseI64ArrayAttr(axes));
    }]>
  ];
  let extraClassDeclaration = [{
    /// For each input dimension, the result dimension it maps to.
    ::llvm::SmallVector<int64_t> getInputToResultDims();
  }];
}

def NN_OneHotOp : NN_Op<"one_hot", [Pure]> {
  let summary = "One-hot encoding of integer class indices";
  let description = [{
    `result[..., c] = (indices[...] == c) ? 1 : 0` for `c` in `[0, C)`,
    where `C`, the static last dimension of the result type, is the number
    of classes. An index outside `[0, C)` gives a row of zeros.

    ```mlir
    %0 = nn.one_hot %labels : tensor<?xi32> -> tensor<?x10xf32>
    ```
  }];
  let arguments = (ins NN_IntTensor:$indices);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$indices attr-dict `:` type($indices) `->` type($result)";
  let hasVerifier = 1;
}

def NN_EmbeddingOp : NN_Op<"embedding", [Pure, InferTypeOpAdaptor,
    NN_Differentiable]> {
  let summary = "Rows of a table picked by integer ids, as PyTorch's nn.Embedding";
  let description = [{
    `result[..., d] = weight[ids[...], d]` for `weight[V, D]` float and
    integer `ids[...]` of rank >= 1; the result is `[..., D]`. An id outside
    `[0, V)` gives a row of zeros and is never read out of bounds: the
    driver rejects such ids before running (docs/LANGUAGE.md), and this
    guard keeps compiled code safe when called from C (docs/AOT.md). It
    lowers to a gather (a `linalg.generic` reading the table with
    `tensor.extract`); the gradient with respect to `weight` is
    `nn.embedding_grad`, none for `ids`.

    ```mlir
    %0 = nn.embedding %ids, %w : tensor<?x64xi32>, tensor<96x64xf32> -> tensor<?x64x64xf32>
    ```
  }];
  let arguments = (ins NN_IntTensor:$ids, NN_FloatTensor:$weight);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $ids `,` $weight attr-dict `:` type($ids) `,` type($weight) `->`
    type($result)
  }];
}

def NN_EmbeddingGradOp : NN_Op<"embedding_grad", [Pure,
    AllElementTypesMatch<["grad", "result"]>]> {
  let summary = "The gradient of nn.embedding with respect to its table";
  let description = [{
    Given `grad[..., D]`, the adjoint of an `nn.embedding` result, and its
    `ids[...]`, the adjoint of its `weight`, `result[V, D]` (type given):
    `result[v, d] = sum grad[..., d]` over the positions whose id is `v` (a
    scatter-add into zeros, the one-hot matmul's value without the one-hot);
    ids outside `[0, V)` add nothing.

    ```mlir
    %0 = nn.embedding_grad %g, %ids : tensor<?x64x64xf32>, tensor<?x64xi32> -> tensor<96x64xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$grad, NN_IntTensor:$ids);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $grad `,` $ids attr-dict `:` type($grad) `,` type($ids) `->`
    type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Convolution and pooling (NCHW; shape rules and verifiers in NNConvOps.cpp)
//===----------------------------------------------------------------------===//

def NN_Conv2dOp : NN_Op<"conv2d", [Pure, InferTypeOpAdaptor, NN_Differentiable,
    AllElementTypesMatch<["input", "weight", "result"]>]> {
  let summary = "2-D convolution (cross-correlation), as PyTorch's nn.Conv2d";
  let description = [{
    `input[N, C, H, W]` (NCHW), `weight[F, C / groups, KH, KW]` and an
    optional `bias[F]` give `result[N, F, OH, OW]` with
    `result[n, f, i, j] = bias[f] + sum_{c, a, b} weight[f, c, a, b] *
    xpad[n, g * C / groups + c, i * stride[0] + a * dilation[0],
    j * stride[1] + b * dilation[1]]`, `g = f / (F / groups)` the group of
    filter `f`, where `xpad` is the input with `padding[0]` rows and
    `padding[1]` columns of zeros on each side, and `OH = (H + 2 padding[0]
    - dilation[0] (KH - 1) - 1) / stride[0] + 1` (floor), `OW` alike.
    `stride` and `dilation` have two positive entries (dilation 1 by
    default), `padding` two non-negative ones; `groups` (1 by default)
    divides C and F. C, H, W are static; the batch N may be dynamic.

    ```mlir
    %0 = nn.conv2d %x, %w, %b stride = [1, 1] padding = [2, 2] : tensor<?x1x28x28xf32>, tensor<6x1x5x5xf32>, tensor<6xf32> -> tensor<?x6x28x28xf32>
    %1 = nn.conv2d %y, %v stride = [1, 1] padding = [2, 2] dilation = [2, 2] groups = 6 : tensor<?x6x28x28xf32>, tensor<6x1x3x3xf32> -> tensor<?x6x28x28xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input, NN_FloatTensor:$weight,
                       Optional<NN_FloatTensor>:$bias,
                       DenseI64ArrayAttr:$stride, DenseI64ArrayAttr:$padding,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilation,
                       DefaultValuedAttr<I64Attr, "1">:$groups);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? `stride` `=` $stride `padding` `=`
    $padding (`dilation` `=` $dilation^)? (`groups` `=` $groups^)? attr-dict
    `:` type($input) `,` type($weight) (`,` type($bias)^)? `->` type($result)
  }];
}

/// A 2-D pooling op over windows of `kernel` moved by `stride`.
class NN_Pool2dOp<string mnemonic, string what, string torch>
    : NN_Op<mnemonic, [Pure, InferTypeOpAdaptor, NN_Differentiable,
                       AllElementTypesMatch<["input", "result"]>]> {
  let summary = "2-D " # what # " pooling, as PyTorch's " # torch;
  let description = [{
    `input[N, C, H, W]` gives `result[N, C, OH, OW]`, each element the
    }] # what # [{ of the window `input[n, c, i * stride[0] + a,
    j * stride[1] + b]` for `a < kernel[0]`, `b < kernel[1]`, with
    `OH = (H - kernel[0]) / stride[0] + 1` (floor, no padding), `OW`
    alike. `kernel` and `stride` have two positive entries; C, H, W are
    static.

    ```mlir
    %0 = nn.}] # mnemonic # [{ %x kernel = [2, 2] stride = [2, 2] : tensor<?x6x28x28xf32> -> tensor<?x6x14x14xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$stride);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $input `kernel` `=` $kernel `stride` `=` $stride attr-dict `:`
    type($input) `->` type($result)
  }];
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *, std::optional<::mlir::Location> loc,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      return inferPool2dType(loc, adaptor.getInput().getType(),
                             adaptor.getKernel(), adaptor.getStride(), types);
    }
  }];
}

def NN_MaxPool2dOp : NN_Pool2dOp<"maxpool2d", "maximum", "nn.MaxPool2d">;
def NN_AvgPool2dOp : NN_Pool2dOp<"avgpool2d", "mean", "nn.AvgPool2d">;

// The gradients of conv2d and the pools: built by their gradient rules,
// never by the frontend, and not differentiable themselves. Their result
// types are given (a strided window does not determine the input size) and
// verified against the forward shape rule.

def NN_Conv2dGradInputOp : NN_Op<"conv2d_grad_input", [Pure,
    AllElementTypesMatch<["grad", "weight", "result"]>]> {
  let summary = "The gradient of nn.conv2d with respect to its input";
  let description = [{
    Given `grad[N, F, OH, OW]`, the adjoint of an `nn.conv2d` result, and
    its `weight[F, C / groups, KH, KW]`, `stride`, `padding`, `dilation`
    and `groups`, the adjoint of its input `result[N, C, H, W]`:
    `result[n, g * C / groups + c, y, x] = sum grad[n, f, i, j] *
    weight[f, c, a, b]` over the `(f, i, j, a, b)` with `f` in group `g`,
    `i * stride[0] + a * dilation[0] = y + padding[0]` and `j * stride[1] +
    b * dilation[1] = x + padding[1]` (a transposed convolution). The result
    type is given; its H, W must give OH, OW under the forward rule.

    ```mlir
    %0 = nn.conv2d_grad_input %g, %w stride = [1, 1] padding = [2, 2] : tensor<?x6x28x28xf32>, tensor<6x1x5x5xf32> -> tensor<?x1x28x28xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$grad, NN_FloatTensor:$weight,
                       DenseI64ArrayAttr:$stride, DenseI64ArrayAttr:$padding,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilation,
                       DefaultValuedAttr<I64Attr, "1">:$groups);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $grad `,` $weight `stride` `=` $stride `padding` `=` $padding
    (`dilation` `=` $dilation^)? (`groups` `=` $groups^)? attr-dict
    `:` type($grad) `,` type($weight) `->` type($result)
  }];
  let hasVerifier = 1;
}

def NN_Conv2dGradWeightOp : NN_Op<"conv2d_grad_weight", [Pure,
    AllElementTypesMatch<["grad", "input", "result"]>]> {
  let summary = "The gradient of nn.conv2d with respect to its weight";
  let description = [{
    Given `grad[N, F, OH, OW]`, the adjoint of an `nn.conv2d` result, and
    its `input[N, C, H, W]`, `stride`, `padding`, `dilation` and `groups`,
    the adjoint of its weight `result[F, C / groups, KH, KW]`:
    `result[f, c, a, b] = sum_{n, i, j} grad[n, f, i, j] * xpad[n, g * C /
    groups + c, i * stride[0] + a * dilation[0], j * stride[1] + b *
    dilation[1]]`, `g` the group of `f`. The result type is given; KH, KW
    must give OH, OW under the forward rule.

    ```mlir
    %0 = nn.conv2d_grad_weight %g, %x stride = [1, 1] padding = [2, 2] : tensor<?x6x28x28xf32>, tensor<?x1x28x28xf32> -> tensor<6x1x5x5xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$grad, NN_FloatTensor:$input,
                       DenseI64ArrayAttr:$stride, DenseI64ArrayAttr:$padding,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilation,
                       DefaultValuedAttr<I64Attr, "1">:$groups);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $grad `,` $input `stride` `=` $stride `padding` `=` $padding
    (`dilation` `=` $dilation^)? (`groups` `=` $groups^)? attr-dict
    `:` type($grad) `,` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def NN_MaxPool2dGradOp : NN_Op<"maxpool2d_grad", [Pure,
    AllTypesMatch<["input", "result"]>,
    AllElementTypesMatch<["grad", "input"]>]> {
  let summary = "The gradient of nn.maxpool2d with respect to its input";
  let description = [{
    Given `grad[N, C, OH, OW]`, the adjoint of an `nn.maxpool2d` result,
    and its `input[N, C, H, W]`, `kernel` and `stride`, the adjoint of its
    input: each `grad[n, c, i, j]` goes to the position of the maximum of
    window `(i, j)`, the first in row-major order among equal maxima (as
    PyTorch); positions in several windows sum their shares.

    ```mlir
    %0 = nn.maxpool2d_grad %g, %x kernel = [2, 2] stride = [2, 2] : tensor<?x6x14x14xf32>, tensor<?x6x28x28xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$grad, NN_FloatTensor:$input,
                       DenseI64ArrayAttr:$kernel, DenseI64ArrayAttr:$stride);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $grad `,` $input `kernel` `=` $kernel `stride` `=` $stride attr-dict `:`
    type($grad) `,` type($input)
  }];
  let hasVerifier = 1;
}

def NN_AvgPool2dGradOp : NN_Op<"avgpool2d_grad", [Pure,
    AllElementTypesMatch<["grad", "result"]>]> {
  let summary = "The gradient of nn.avgpool2d with respect to its input";
  let description = [{
    Given `grad[N, C, OH, OW]`, the adjoint of an `nn.avgpool2d` result,
    `kernel` and `stride`, the adjoint of its input `result[N, C, H, W]`:
    each `grad[n, c, i, j] / (kernel[0] * kernel[1])` is added to every
    position of window `(i, j)`. The result type is given; its H, W must
    give OH, OW under the forward rule.

    ```mlir
    %0 = nn.avgpool2d_grad %g kernel = [2, 2] stride = [2, 2] : tensor<?x6x14x14xf32> -> tensor<?x6x28x28xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$grad, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$stride);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $grad `kernel` `=` $kernel `stride` `=` $stride attr-dict `:`
    type($grad) `->` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

def NN_CrossEntropyOp : NN_Op<"cross_entropy", [Pure, InferTypeOpAdaptor,
    NN_Differentiable]> {
  let summary = "Softmax cross-entropy with integer labels, mean over the batch";
  let description = [{
    `mean_i(logsumexp(logits[i, :]) - logits[i, labels[i]])`, as PyTorch's
    `cross_entropy(logits, labels)`: `logits[N, C]` float, `labels[N]` i32
    or i64 in `[0, C)`, a rank-0 result of the logits' element type. The
    log-sum-exp subtracts the row maximum first.

    ```mlir
    %0 = nn.cross_entropy %logits, %y : tensor<?x10xf32>, tensor<?xi32> -> tensor<f32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$logits, NN_LabelTensor:$labels);
  let results = (outs NN_FloatScalar:$result);
  let assemblyFormat = [{
    $logits `,` $labels attr-dict `:` type($logits) `,` type($labels) `->`
    type($result)
  }];
}

/// A loss of two broadcasting float tensors, averaged over every element of
/// their broadcast shape.
class NN_PairLossOp<string mnemonic, string formula, string torch>
    : NN_Op<mnemonic, [Pure, InferTypeOpAdaptor, NN_Differentiable,
                       AllElementTypesMatch<["lhs", "rhs", "result"]>]> {
  let summary = "The mean of " # formula;
  let description = [{
    The mean over the broadcast shape of `lhs` and `rhs` (NumPy rules) of
    `}] # formula # [{`, as PyTorch's `}] # torch # [{`; a rank-0 result
    of the operands' element type.

    ```mlir
    %0 = nn.}] # mnemonic # [{ %a, %b : tensor<?x1xf32>, tensor<?x1xf32> -> tensor<f32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$lhs, NN_FloatTensor:$rhs);
  let results = (outs NN_FloatScalar:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *, std::optional<::mlir::Location> loc,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      if (::mlir::failed(inferBroadcastResultType(
              loc, adaptor.getLhs().getType(), adaptor.getRhs().getType(),
              types)))
        return ::mlir::failure();
      types.front() = ::mlir::RankedTensorType::get(
          {}, ::mlir::getElementTypeOrSelf(types.front()));
      return ::mlir::success();
    }
  }];
}

def NN_MseOp : NN_PairLossOp<"mse", "(lhs - rhs)^2", "mse_loss">;
def NN_BceWithLogitsOp : NN_PairLossOp<"bce_with_logits",
    "max(x, 0) - x * y + log(1 + exp(-|x|)) (x = lhs logits, y = rhs targets)",
    "binary_cross_entropy_with_logits">;

//===----------------------------------------------------------------------===//
// Layers that differ between training and inference
//===----------------------------------------------------------------------===//

def NN_BatchNormOp : NN_Op<"batchnorm", [Pure, NN_Differentiable,
    AllTypesMatch<["input", "result"]>,
    AllTypesMatch<["weight", "bias", "running_mean", "running_var"]>,
    AllElementTypesMatch<["input", "weight"]>]> {
  let summary = "Batch normalization with running statistics (inference)";
  let description = [{
    `nn.BatchNorm1d/2d` in eval mode: per channel `c` (dimension 1 of
    `input[N, C, ...]`), `(x - running_mean[c]) / sqrt(running_var[c] + eps)
    * weight[c] + bias[c]`. The four per-channel operands are `[C]`. Inside a
    training step the frontend emits `nn.batchnorm_train` instead.

    ```mlir
    %0 = nn.batchnorm %x, %w, %b, %mean, %var {eps = 1.0e-05 : f64} : tensor<?x8x4x4xf32>, tensor<8xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input, NN_FloatTensor:$weight,
                       NN_FloatTensor:$bias, NN_FloatTensor:$running_mean,
                       NN_FloatTensor:$running_var, F64Attr:$eps);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight `,` $bias `,` $running_mean `,` $running_var attr-dict
    `:` type($input) `,` type($weight)
  }];
  let hasVerifier = 1;
}

def NN_BatchNormTrainOp : NN_Op<"batchnorm_train", [Pure, NN_Differentiable,
    AllTypesMatch<["input", "result"]>,
    AllTypesMatch<["weight", "bias", "running_mean", "running_var",
                   "new_running_mean", "new_running_var"]>,
    AllElementTypesMatch<["input", "weight"]>]> {
  let summary = "Batch normalization with batch statistics (training)";
  let description = [{
    `nn.BatchNorm1d/2d` in train mode. Per channel `c` (dimension 1), over
    every other dimension (`M` elements): `mean` and the biased variance
    `var` of the batch normalize the input, `(x - mean) / sqrt(var + eps) *
    weight[c] + bias[c]`. The other two results are the running statistics
    after this batch, as PyTorch updates them:
    `(1 - momentum) * running_mean + momentum * mean` and
    `(1 - momentum) * running_var + momentum * var * M / (M - 1)` (the
    unbiased variance). The gradient flows to `input`, `weight` and `bias`
    only; the running statistics are not trained.

    ```mlir
    %y, %mean, %var = nn.batchnorm_train %x, %w, %b, %m, %v {eps = 1.0e-05 : f64, momentum = 1.0e-01 : f64} : tensor<?x8xf32>, tensor<8xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input, NN_FloatTensor:$weight,
                       NN_FloatTensor:$bias, NN_FloatTensor:$running_mean,
                       NN_FloatTensor:$running_var, F64Attr:$eps,
                       F64Attr:$momentum);
  let results = (outs NN_FloatTensor:$result, NN_FloatTensor:$new_running_mean,
                      NN_FloatTensor:$new_running_var);
  let assemblyFormat = [{
    $input `,` $weight `,` $bias `,` $running_mean `,` $running_var attr-dict
    `:` type($input) `,` type($weight)
  }];
  let hasVerifier = 1;
}

def NN_DropoutOp : NN_Op<"dropout", [Pure, NN_Differentiable,
    AllTypesMatch<["input", "result"]>]> {
  let summary = "Dropout with a counter-based random mask (training)";
  let description = [{
    `nn.Dropout(p)` in train mode: each element is zeroed with probability
    `p`, the others scaled by `1 / (1 - p)`. The mask is a pure function of
    the `seed` and `stream` attributes (the train block's seed, the
    dropout's index in its function), the rank-0 `counter` operand (the
    step count, a float holding an integer) and the element's row-major
    index, through a 64-bit hash (docs/DIALECT.md, "Dropout"): the same
    operands give the same mask, so the gradient is the same op applied to
    the result's adjoint. Outside training the frontend emits nothing
    (dropout is the identity). `p` is in `[0, 1)`.

    ```mlir
    %0 = nn.dropout %x, %step {p = 5.0e-01 : f64, seed = 0 : i64, stream = 0 : i64} : tensor<?x64xf32>, tensor<f32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input, NN_FloatScalar:$counter,
                       F64Attr:$p, I64Attr:$seed, I64Attr:$stream);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $counter attr-dict `:` type($input) `,` type($counter)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Slices, zero padding and concatenation (ir/NNOpsSlices.cpp)
//===----------------------------------------------------------------------===//

def NN_SliceOp : NN_Op<"slice", [Pure, InferTypeOpAdaptor, NN_Differentiable]> {
  let summary = "A static box of a tensor";
  let description = [{
    Takes `sizes[d]` elements from `offsets[d]` along each dimension `d`
    (stride 1). A size of -1 takes the whole dimension (its offset must be
    0); a dynamic dimension can only be taken whole, so a slice never reads
    out of bounds. Static sizes are positive and `offset + size` fits in a
    static dimension. The rank is kept (the frontend drops indexed
    dimensions with `nn.reshape`).

    ```mlir
    %0 = nn.slice %x offsets = [0, 2] sizes = [-1, 3] : tensor<?x8xf32> -> tensor<?x3xf32>
    ```
  }];
  let arguments = (ins NN_Tensor:$input, DenseI64ArrayAttr:$offsets,
                       DenseI64ArrayAttr:$sizes);
  let results = (outs NN_Tensor:$result);
  let assemblyFormat = [{
    $input `offsets` `=` $offsets `sizes` `=` $sizes attr-dict `:`
    type($input) `->` type($result)
  }];
}

def NN_PadOp : NN_Op<"pad", [Pure, InferTypeOpAdaptor, NN_Differentiable]> {
  let summary = "Surrounds a tensor with zeros";
  let description = [{
    Adds `low[d]` zeros before and `high[d]` zeros after each dimension `d`
    (both non-negative; 0 on a dynamic dimension). The gradient of
    `nn.slice`, and the reverse of it.

    ```mlir
    %0 = nn.pad %x low = [0, 2] high = [0, 3] : tensor<?x3xf32> -> tensor<?x8xf32>
    ```
  }];
  let arguments = (ins NN_Tensor:$input, DenseI64ArrayAttr:$low,
                       DenseI64ArrayAttr:$high);
  let results = (outs NN_Tensor:$result);
  let assemblyFormat = [{
    $input `low` `=` $low `high` `=` $high attr-dict `:` type($input) `->`
    type($result)
  }];
}

def NN_ConcatOp : NN_Op<"concat", [Pure, InferTypeOpAdaptor, NN_Differentiable,
    SameOperandsAndResultElementType]> {
  let summary = "Joins tensors along one dimension";
  let description = [{
    `torch.cat(inputs, axis)`: the operands have one rank and element type,
    static sizes along `axis` (the result's is their sum) and equal sizes
    elsewhere (a dynamic size against a static `k` gives `k`).

    ```mlir
    %0 = nn.concat %a, %b axis = 1 : tensor<?x2xf32>, tensor<?x3xf32> -> tensor<?x5xf32>
    ```
  }];
  let arguments = (ins Variadic<NN_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs NN_Tensor:$result);
  let assemblyFormat = [{
    $inputs `axis` `=` $axis attr-dict `:` type($inputs) `->` type($result)
  }];
}

//===----------------------------------------------------------------------===//
// Storage types
//===----------------------------------------------------------------------===//

def NN_CastOp : NN_Op<"cast", [Pure, NN_Differentiable]> {
  let summary = "Converts a float tensor to another float element type";
  let description = [{
    The elements of `input` in the result's float type, same shape: a
    widening (`bf16` to `f32`) is exact, a narrowing (`f32` to `bf16`)
    rounds to nearest even, as `torch.Tensor.to(dtype)`. The frontend
    emits casts around `bf16` values, which are stored as `bf16` and
    computed with in `f32` (docs/LANGUAGE.md, bf16). The gradient casts the
    adjoint back to the operand's type (rounding is treated as the
    identity, a straight-through estimate).

    ```mlir
    %0 = nn.cast %x : tensor<?x4xbf16> -> tensor<?x4xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

include "ir/NNOpsRecurrent.td"

#endif // DEEPC_IR_NNOPS_TD
