//===- Passes.td - deepc passes ----------------------------*- tablegen -*-===//
//
// Every deepc pass is declared here (STYLE.md): `XxxPass` with flag
// `deepc-<verb>`, implemented with `GEN_PASS_DEF_*` and `impl::XxxPassBase`.
//
//===----------------------------------------------------------------------===//

#ifndef DEEPC_PASSES_PASSES_TD
#define DEEPC_PASSES_PASSES_TD

include "mlir/Pass/PassBase.td"

def LowerNNToLinalgPass : Pass<"deepc-lower-nn-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lower the nn dialect to linalg, tensor, arith and math on tensors";
  let description = [{
    Rewrites every `nn` op into upstream ops on tensors, after which no `nn`
    op is left (the `linalg` stage of docs/DIALECT.md).

    - Elementwise ops become one `linalg.generic` each, broadcasting through
      the indexing maps (a size-1 operand dimension reads index 0), so no
      broadcast is materialized.
    - `nn.matmul` becomes `linalg.matmul` (leading dims of the left operand
      collapsed into M when the right one is a matrix) or
      `linalg.batch_matmul` (batch dims broadcast, then collapsed into one).
      `nn.dense` is a `linalg.matmul` whose indexing maps read the weight
      transposed, then a bias `linalg.generic`, so fusion sees the usual
      matmul + epilogue.
    - Reductions are `linalg.reduce` from the identity (`-inf`/`+inf` for
      max/min); the mean multiplies by `1/count`, with the count taken from
      run-time sizes. `nn.argmax` is one `linalg.generic` with a value and
      an index output that keeps the first maximum. Softmax subtracts the
      maximum before `exp` for stability.
    - `nn.reshape` becomes `tensor.collapse_shape`/`expand_shape` when the
      shapes allow it, else `tensor.reshape` with a shape computed at run
      time; `nn.transpose` becomes `linalg.transpose`.
    - `nn.embedding` is a gather: one `linalg.generic` over the result
      reading the table with `tensor.extract` at each id's row;
      `nn.embedding_grad` is a scatter-add, an `scf.for` over the ids adding
      each adjoint row into its id's row of a zero table in place. Ids
      outside the table give zero rows and add nothing, never an access
      out of bounds.

    Dynamic dimensions (the batch) are read with `tensor.dim` wherever an
    output is created with `tensor.empty`.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect",
    "mlir::linalg::LinalgDialect",
    "mlir::math::MathDialect",
    "mlir::scf::SCFDialect",
    "mlir::tensor::TensorDialect",
  ];
}

def AutodiffPass : Pass<"deepc-autodiff", "mlir::ModuleOp"> {
  let summary = "Turn each train function into its training step (or gradients)";
  let description = [{
    Rewrites every `func.func` with an `nn.train` attribute (docs/TRAINING.md
    section 1) into its training step, in `nn` (docs/TRAINING.md sections 2
    and 4). The pass knows no op by name:

    - the ops on a path from a parameter (`nn.param` argument) to the loss
      (result 0) are found by a forward sweep from the parameters and a
      backward sweep from the loss; only float values carry gradients;
    - walking those ops in reverse, it keeps a map from value to adjoint
      (summing where a value fans out) and asks each op's
      `DifferentiableOpInterface` for the adjoints of its operands; an op on
      the path without the interface is an error at its location;
    - `mode=grad` returns the loss and one gradient per parameter
      (`nn.grad`); `mode=step` (the default) clips the gradients when
      `clip_norm` is set, applies the optimizer's update (`sgd`, `adam`,
      `adamw`, exactly as torch.optim) and returns the loss, the logits,
      the updated parameters and the updated optimizer state, taking the
      state and the learning rate (`nn.lr`) as new arguments;
    - `mode=split` (data-parallel training, docs/DISTRIBUTED.md) cuts the
      step where the gradients are complete: the function returns what the
      step returns before the update (the loss, the logits, the updated
      buffers) and then one gradient per parameter the loss reaches
      (`nn.grad`, in the loss's type), and a new function `@NAME_update`
      takes the parameters (`nn.param`), those gradients (`nn.grad`
      arguments), the optimizer state and the learning rate, and returns
      what the step would: the clipped update of the parameters and state.

    The update is built from `nn` elementwise ops on rank-0 constants, so
    it lowers, fuses and tiles like the rest. A parameter the loss does not
    reach keeps its value and its state. The function gets the attribute
    `nn.autodiff = "step" | "grad" | "split"`, and functions that have it are left
    alone.
  }];
  let options = [
    Option<"mode", "mode", "std::string", /*default=*/"\"step\"",
           "What to build: `step` (gradients, clipping and the optimizer "
           "update), `grad` (the loss and the gradients only) or `split` "
           "(the gradients, and the update as a function of its own)">,
    Option<"corruptRule", "corrupt-rule", "std::string", /*default=*/"\"\"",
           "Testing only: double the operand adjoints of the ops of this "
           "name (e.g. nn.relu), a wrong rule that gradcheck must catch">,
  ];
  let dependentDialects = ["deepc::nn::NNDialect"];
}

def InferenceModePass : Pass<"deepc-inference-mode", "mlir::ModuleOp"> {
  let summary = "Rewrite the training-mode ops of non-train functions for inference";
  let description = [{
    A train block's loss function evaluated on held-out data (`deepc eval`,
    `--val`) must behave as the model does outside training: in every
    `func.func` without `nn.train`, `nn.dropout` becomes the identity and
    `nn.batchnorm_train` becomes `nn.batchnorm` with the running statistics
    (its updated statistics are the old ones). Results that carry updated
    parameters or state (`nn.param`, `nn.state`) are dropped, and so are
    `nn.state` arguments nothing reads any more (the dropout counter).
    Functions with `nn.train` (the step is built from them) are left alone.
  }];
  let dependentDialects = ["deepc::nn::NNDialect"];
}

def PromoteF64Pass : Pass<"deepc-promote-f64", "mlir::ModuleOp"> {
  let summary = "Rewrite every f32 tensor of every function to f64";
  let description = [{
    For gradient checks in double precision (`deepc gradcheck`): the f32
    tensor types of every function's arguments, results and op results,
    and the values of f32 `nn.constant`s, become f64. So do bf16 tensors:
    bf16 is a storage type computed with in f32, and its `nn.cast`s become
    the identity, so the check sees the f32 computation in f64. Ops whose result
    types are inferred stay consistent, since every operand is promoted
    alike; integer and bool tensors are untouched.
  }];
}

def FillLocationsPass : Pass<"deepc-fill-locations", "mlir::ModuleOp"> {
  let summary = "Give ops that lost their location the one they came from";
  let description = [{
    The last pass of each stage from `grad` on, so every op keeps a line
    of the `.nn` file (the `--report` page links each op to it, and the
    assembly's line table follows it). Upstream code makes ops without a
    location in four places: the constants autodiff's folding makes, the bodies of named linalg ops (a matmul's
    multiply-add, seen once the op is generalized), the constants the
    folder shares between ops (it drops the location of a constant that
    ops from two places use), and the constants the conversions to the
    LLVM dialect build. An op whose location is unknown gets the locations
    of its users, fused (a shared constant belongs to the lines that read
    it, the first 16 of them), or, with no user that has one, its parent's
    (the body of a named op belongs to the op). A worklist carries a new
    location on to the ops that define the op's operands and to the ops
    nested in it. Ops at module level without users (declarations) stay
    as they are. Only locations change.
  }];
}

def FusePass : Pass<"deepc-fuse", "mlir::ModuleOp"> {
  let summary = "Fuse elementwise chains and their reductions into one loop nest";
  let description = [{
    The `fused` stage, on linalg over tensors (`--emit=fused`). An
    elementwise `linalg.generic` (all loops parallel) is fused into the
    `linalg.generic` that consumes it, elementwise or a reduction (so
    softmax's exp goes into its sum, cross-entropy's log-sum-exp into its
    reduction, a square into the sum of squares):

    - a producer whose only user among the linalg ops is the consumer is
      folded away;
    - a producer whose value is also a function result (the optimizer's new
      momentum buffer, returned and read by the parameter update) stays a
      result of the fused op, computed once, so one loop updates both;
    - a cheap producer (at most 4 arith ops, no division, float operands
      only, at most one of its result's size) read by several generics,
      each reading every element once, is computed again in each and never
      stored: batchnorm's and layernorm's x - mean, the bias add read by
      relu and by the backward ReLU mask;
    - a producer read by two linalg ops otherwise (an exp, a sum of two
      full tensors) is not fused: each would compute it again;
    - a producer read broadcast by its consumer (a per-channel scale read
      by every pixel) is not fused: it would be computed per element;
      nor one read through windows (a convolution's padded input, read at
      i + a by the channels-last convolution): it would be computed once
      per window it is in.

    Contractions (matmul, convolution's im2col matmul) are neither
    producers nor consumers: their epilogues (bias, activation, batchnorm's
    scale and shift, the residual add) become one elementwise loop after
    the contraction, not part of its tiles (docs/ARCHITECTURE.md, Fusion).
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def TilePass : Pass<"deepc-tile", "mlir::ModuleOp"> {
  let summary = "Tile and vectorize contractions";
  let description = [{
    The `tiled` stage, on tensors, after the `fused` stage (deepc-fuse).
    Every f32 matmul-like linalg op (`linalg.matmul` with any indexing maps,
    so transposed operands too, `linalg.batch_matmul`, contraction generics)
    is tiled twice with `scf.for` loops:

    - register tiles: N is one or two vectors wide (two unless N is static
      and only one divides it), M uses half the vector registers for
      accumulators (at most 8 rows), K is unrolled by one vector length;
    - cache tiles around them: a kc x nr panel of B and an mr x kc panel of
      A share half of L1, an mc x kc block of A takes half of L2; a static
      dimension that fits one cache tile is not tiled.

    A `linalg.matmul` whose N is a static multiple of nr gets B packed
    (`linalg.pack`, lowered to a reshape and a vectorized transpose) into
    N/nr panels of K x nr, each contiguous, when B is read transposed (as
    `nn.dense` lowers; it would be copied anyway) or A has at least 16
    register tiles of rows (or a dynamic count). It becomes a contraction
    C[m, j, c] += A[m, k] * Bp[j, k, c] on C viewed as M x N/nr x nr, tiled:
    K by kc (an mr x kc panel of A in half of L1), N by nc (a kc x nc block
    of B in half of L2), then registers: M by mr outer, one panel, K by kr
    innermost. The rows left over from mr-row tiles go one row at a time,
    vectorized too. With `threads` > 1 the rows are first split into that
    many chunks of whole register tiles by an `scf.forall`.

    On one thread, a packed contraction whose result is read only by an
    elementwise `linalg.generic` over M x N (its epilogue: bias,
    activation, residual add, the backward ReLU mask; reading the result
    through the identity, its other operands per element, per column, per
    row or as scalars) shares its register tiles with that op when an
    mr x K panel of A fits in L1: the epilogue is rewritten over
    M x N/nr x nr, tiled with `scf::tileConsumerAndFuseProducersUsingSCF`
    (by N blocks for L2 if needed, then mr rows of one panel), the
    contraction and its zero fill fused into each tile over all of K. Each
    tile's accumulators start as zeros in registers and go through the
    epilogue when K is done: C is neither zero-filled nor stored. A longer
    K keeps the epilogue as a loop of its own.

    Other matmuls reading B transposed get it transposed once into K x N, so
    their register tiles are row-major loads rather than in-register
    transposes; their K loop runs outside M and N, with cache tiles for an
    mr x kc and kc x nr panel sharing half of L1 and an mc x kc block of A
    half of L2.

    Small M: a `linalg.matmul` reading B transposed, with a static K of at
    least the lanes L, a static N and fewer rows than 4 register
    tiles of rows (M < 4r, r the largest with r x r accumulators in half of
    the vector registers: 4 with 32 registers, 2 with 16), reads B as
    stored instead of packing it:

      acc[i, j][l] += A[m + i, k + l] * B[n + j, k + l]   (k = 0, L, ...)
      C[m + i, n + j] += sum_l acc[i, j][l]

    in register tiles of C of r x c (c = half the registers / r: 4 x 4,
    then leftover rows as 2 x 8 and 1 x 16 on AVX-512), the accumulators
    vectors from zero carried by an scf.for over K; the last K mod L
    columns' products go in vectors of that width, summed likewise.
    A dynamic M branches at run time (`scf.if` M < 4r), the other branch
    taking the packed path. Not in a training step (a function with
    `nn.train`), which keeps the packed kernel's order of summation.

    The register loops are peeled so the main tiles are statically shaped;
    those are vectorized (`vector.contract`, accumulators hoisted out of the
    K loop) and lowered to outer products and FMAs. Peeled remainders of
    unpacked matmuls stay scalar linalg ops. The vector width, the vector
    registers and the cache sizes come from the module's `deepc.target`
    (passes/TargetModel.h: the driver's description of the host or of
    --mcpu/--mattr), this host's without one; the options override them.
    A malformed `deepc.target` is an error.

    ```mlir
    // 64x128x784 on AVX-512, L1 48 KiB, L2 1 MiB: register tiles 8x32x16.
    %r = linalg.matmul ins(%a, %b : tensor<64x784xf32>, tensor<784x128xf32>)
                       outs(%c : tensor<64x128xf32>) -> tensor<64x128xf32>
    ```
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "unsigned", /*default=*/"0",
           "Vector register width in bits (0: from deepc.target); 512 means "
           "32 vector registers, less 16">,
    Option<"l1Kib", "l1-kib", "unsigned", /*default=*/"0",
           "L1 data cache in KiB (0: from deepc.target)">,
    Option<"l2Kib", "l2-kib", "unsigned", /*default=*/"0",
           "L2 cache in KiB (0: from deepc.target)">,
    Option<"threads", "threads", "unsigned", /*default=*/"1",
           "Threads: above 1, the rows of each packed contraction are split "
           "into that many chunks by an scf.forall">,
  ];
  let dependentDialects = [
    "mlir::affine::AffineDialect",
    "mlir::arith::ArithDialect",
    "mlir::linalg::LinalgDialect",
    "mlir::scf::SCFDialect",
    "mlir::tensor::TensorDialect",
    "mlir::vector::VectorDialect",
  ];
}

def CheckNumericsPass : Pass<"deepc-check-numerics", "mlir::ModuleOp"> {
  let summary = "Report the first NaN or Inf an nn op produces, by source location";
  let description = [{
    For `--check-numerics` (docs/HARDENING.md): after every `nn` op with a
    floating-point tensor result, in every function, inserts a reduction
    that tests the result for NaN or Inf and, if it finds one, calls the
    external function `deepc_nonfinite(i64 site)`. Site k is the k-th
    checked result; the module attribute `deepc.numerics_sites` lists them,
    each as "FILE:LINE:COL: 'nn.op'" from the op's location (the first file
    location inside it, so an inlined model's op names its own line). Run it
    after autodiff, so the backward pass and the update are checked too:
    their ops carry the locations of the forward ops they differentiate.
    The runtime keeps the first site reported during a call (codegen/JIT).
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect",
    "mlir::func::FuncDialect",
    "mlir::linalg::LinalgDialect",
    "mlir::math::MathDialect",
    "mlir::scf::SCFDialect",
    "mlir::tensor::TensorDialect",
  ];
}

def ExpandBF16Pass : Pass<"deepc-expand-bf16", "mlir::ModuleOp"> {
  let summary = "f32 <-> bf16 conversions as integer arithmetic";
  let description = [{
    `arith.truncf` to bf16 and `arith.extf` from bf16, on scalars and
    vectors, become bitcasts, shifts and adds on i32/i16 (rounding to
    nearest even, subnormals kept, a NaN kept a quiet NaN), which vectorize
    like any integer code. The pipeline runs it for every target:
    - without AVX512-BF16 (Zen 3, x86-64-v3), LLVM would make a truncation
      a call of `__truncsfbf2`, which neither the JIT nor libgcc 12 (what
      an AOT object links with on Debian 12) provides;
    - with it, LLVM's `vcvtneps2bf16` flushes subnormal inputs and outputs
      to zero whatever MXCSR says, so the same model would round
      differently on two hosts, and differently from PyTorch and from
      deepc's own conversion of data files (runtime/Convert.cpp), which
      keep subnormals. A few integer instructions per vector of
      conversions cost nothing next to the arithmetic around them.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

def StridedCopyToLoopsPass : Pass<"deepc-strided-copy-to-loops", "mlir::ModuleOp"> {
  let summary = "memref.copy between non-contiguous buffers as linalg.copy";
  let description = [{
    After bufferization, a `memref.copy` whose source or target has a
    strided layout (a subview, as slices and concatenations bufferize to)
    would lower to a call of `memrefCopy` from MLIR's runner library, which
    neither the JIT nor an AOT object links. This pass turns such copies into
    `linalg.copy`, which `convert-linalg-to-loops` makes plain loops; copies
    between identity-layout buffers stay `memref.copy` (an `llvm.memcpy`).
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def DynamicExpandToCastPass : Pass<"deepc-dynamic-expand-to-cast", "mlir::ModuleOp"> {
  let summary = "memref.expand_shape with several dynamic sizes in a group as a reinterpret_cast";
  let description = [{
    `expand-strided-metadata` of LLVM 22 crashes on a `memref.expand_shape`
    that splits one dimension into several dynamic ones (llvm-project issue
    186830, fixed for LLVM 23 by reading `output_shape`), as the lowering
    of `nn.dense` or `nn.matmul` on `[N, T, D]` with both N and T known at
    run time makes. This pass, run just before it, rewrites such an expand
    into a `memref.reinterpret_cast` of the source's base buffer at its
    offset, with the output shape as sizes and each group's strides the
    source's stride times the sizes inside it. Other expands are left to
    upstream.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

def VectorizeReductionsPass : Pass<"deepc-vectorize-reductions", "mlir::ModuleOp"> {
  let summary = "Row reductions on buffers as vector code of the target's width";
  let description = [{
    A `linalg.generic` on buffers whose loops are parallel then reduction,
    whose inputs are contiguous along the innermost (reduction) loop or do
    not depend on it, whose output is indexed by the parallel loops, and
    whose body is elementwise arith/math ending in a combiner deepc may
    reorder (`arith.addf`/`arith.mulf` with `reassoc`, `arith.maximumf`,
    `minimumf`, `maxnumf`, `minnumf`) becomes scf loops over vectors of the
    target's width (the module's `deepc.target`), when the rows are at
    least four vectors long and of a length known at compile time (shorter
    ones keep LLVM's loop, and the order of their sums): four rows at a time, one
    accumulator each (one row and four accumulators with no parallel loop),
    the last partial vector a masked load whose other lanes are the
    combiner's neutral element, then `vector.reduction` per row combined
    with the output's value. Anything else is left to
    convert-linalg-to-loops. `-debug-only=deepc-vectorize-reductions` says
    what was taken and why the rest was not. A target without vectors
    (RISC-V without V) takes nothing.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "unsigned", /*default=*/"0",
           "Vector width in bits instead of the target's (0: the target's)">,
  ];
  let dependentDialects = ["mlir::vector::VectorDialect", "mlir::scf::SCFDialect",
                           "mlir::memref::MemRefDialect", "mlir::arith::ArithDialect"];
}

def VectorizeConvPass : Pass<"deepc-vectorize-conv", "mlir::ModuleOp"> {
  let summary = "Direct convolutions on buffers as register-blocked vector loops";
  let description = [{
    A `linalg.conv_2d_nchw_fchw` on buffers with stride and dilation 1, f32,
    static sizes but the batch and contiguous rows (what LowerNNConv emits
    for a convolution with few output channels, on the padded input)
    becomes scf loops over vectors of the target's width (the module's
    `deepc.target`): for each batch element, block of output channels and
    output row, blocks of vectors along the row (the last one masked) whose
    accumulators, input vectors and filter broadcast fit the target's vector
    registers; the sum over (input channel, kernel row, kernel column) runs
    in that order. The output's values (the bias, or zeros) are the
    accumulators' start. Anything else is left to convert-linalg-to-loops.
    `-debug-only=deepc-vectorize-conv` says what was taken, with its block,
    and why the rest was not. A target without vectors takes nothing.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "unsigned", /*default=*/"0",
           "Vector width in bits instead of the target's (0: the target's)">,
    Option<"vectorRegisters", "vector-registers", "unsigned", /*default=*/"0",
           "Vector registers instead of the target's (0: the target's)">,
  ];
  let dependentDialects = ["mlir::affine::AffineDialect", "mlir::vector::VectorDialect", "mlir::scf::SCFDialect",
                           "mlir::memref::MemRefDialect", "mlir::arith::ArithDialect"];
}

#endif // DEEPC_PASSES_PASSES_TD
