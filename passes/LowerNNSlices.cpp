//===- LowerNNSlices.cpp - nn.slice, nn.pad, nn.concat to tensor ----------===//
//
// nn.slice is a tensor.extract_slice; nn.pad inserts its input into a
// zero-filled tensor; nn.concat inserts each operand into an empty tensor
// at its offset along the axis (the operands cover it exactly).
//
//===----------------------------------------------------------------------===//

#include "ir/NNOps.h"
#include "passes/LowerNNToLinalg.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace deepc;
using namespace deepc::lowering;

namespace {

struct SliceLowering : OpConversionPattern<nn::SliceOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    SmallVector<OpFoldResult> offsets, sizes,
        strides(op.getOffsets().size(), rewriter.getIndexAttr(1));
    for (auto [d, off, size] :
         llvm::enumerate(op.getOffsets(), op.getSizes())) {
      offsets.push_back(rewriter.getIndexAttr(off));
      sizes.push_back(size == -1 ? tensor::getMixedSize(rewriter, loc, input, d)
                                 : rewriter.getIndexAttr(size));
    }
    rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
        op, op.getType(), input, offsets, sizes, strides);
    return success();
  }
};

struct PadLowering : OpConversionPattern<nn::PadOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    RankedTensorType type = op.getType();
    SmallVector<OpFoldResult> inputSizes =
        tensor::getMixedSizes(rewriter, loc, input);
    Value zero = scalarConstant(rewriter, loc, type.getElementType(), 0.0);
    // Dynamic dimensions are not padded: the result's size is the input's.
    Value init = filledTensor(rewriter, loc, type, inputSizes, zero);
    SmallVector<OpFoldResult> offsets,
        strides(type.getRank(), rewriter.getIndexAttr(1));
    for (int64_t low : op.getLow())
      offsets.push_back(rewriter.getIndexAttr(low));
    rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(op, input, init, offsets,
                                                       inputSizes, strides);
    return success();
  }
};

struct ConcatLowering : OpConversionPattern<nn::ConcatOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t axis = op.getAxis();
    ValueRange inputs = adaptor.getInputs();
    // A dynamic result size is dynamic in every operand: read the first's.
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, loc, inputs.front());
    Value result = emptyTensor(rewriter, loc, type, sizes);
    SmallVector<OpFoldResult> strides(type.getRank(), rewriter.getIndexAttr(1));
    int64_t at = 0;
    for (Value input : inputs) {
      SmallVector<OpFoldResult> offsets(type.getRank(),
                                        rewriter.getIndexAttr(0));
      offsets[axis] = rewriter.getIndexAttr(at);
      SmallVector<OpFoldResult> inputSizes =
          tensor::getMixedSizes(rewriter, loc, input);
      // Where the result knows a static size, use it.
      for (int64_t d = 0; d < type.getRank(); ++d)
        if (d != axis && !type.isDynamicDim(d))
          inputSizes[d] = rewriter.getIndexAttr(type.getDimSize(d));
      result = tensor::InsertSliceOp::create(rewriter, loc, input, result,
                                             offsets, inputSizes, strides);
      at += cast<RankedTensorType>(input.getType()).getDimSize(axis);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void deepc::lowering::populateSlicePatterns(RewritePatternSet &patterns) {
  patterns.add<SliceLowering, PadLowering, ConcatLowering>(
      patterns.getContext());
}
