//===- OpTableTest.cpp - The importer's op table and its errors -----------===//
#include "importer/Emitter.h"
#include "importer/Import.h"

#include "onnx/defs/schema.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

using namespace deepc::importer;

namespace {

/// Every entry's opset is the version of the op's schema that ONNX itself
/// uses at kTargetOpset (the opset every model is converted to).
TEST(OpTable, OpsetsAreOnnxSchemaVersions) {
  ASSERT_GE(opTable().size(), 40u);
  for (const OpEntry &entry : opTable()) {
    const onnx::OpSchema *schema =
        onnx::OpSchemaRegistry::Schema(entry.opType, kTargetOpset, "");
    ASSERT_NE(schema, nullptr) << entry.opType;
    EXPECT_EQ(schema->SinceVersion(), entry.sinceOpset) << entry.opType;
    EXPECT_EQ(lookupOp(entry.opType), &entry);
  }
  EXPECT_EQ(lookupOp("CumSum"), nullptr);
}

onnx::ValueInfoProto tensorInfo(const std::string &name,
                                std::vector<int64_t> dims) {
  onnx::ValueInfoProto v;
  v.set_name(name);
  auto *t = v.mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims)
    t->mutable_shape()->add_dim()->set_dim_value(d);
  return v;
}

onnx::TensorProto floats(const std::string &name, std::vector<int64_t> dims) {
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(onnx::TensorProto::FLOAT);
  int64_t n = 1;
  for (int64_t d : dims) {
    t.add_dims(d);
    n *= d;
  }
  for (int64_t k = 0; k < n; ++k)
    t.add_float_data(0.25f * float(k % 7));
  return t;
}

/// A Conv model with `pads`, written to a temporary file and imported.
std::string importConv(std::vector<int64_t> pads, bool dropOutput = false,
                       const std::string &autoPad = "") {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(17);
  auto *g = m.mutable_graph();
  g->set_name("g");
  *g->add_input() = tensorInfo("x", {1, 2, 5, 5});
  *g->add_output() = tensorInfo(dropOutput ? "nowhere" : "y", {1, 3, 5, 5});
  *g->add_initializer() = floats("w", {3, 2, 3, 3});
  auto *n = g->add_node();
  n->set_name("the_conv");
  n->set_op_type("Conv");
  n->add_input("x");
  n->add_input("w");
  n->add_output("y");
  auto *a = n->add_attribute();
  if (autoPad.empty()) {
    a->set_name("pads");
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t p : pads)
      a->add_ints(p);
  } else {
    a->set_name("auto_pad");
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(autoPad);
  }
  llvm::SmallString<128> path;
  EXPECT_FALSE(llvm::sys::fs::createTemporaryFile("conv", "onnx", path));
  {
    std::string bytes;
    m.SerializeToString(&bytes);
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    os << bytes;
  }
  auto result = importOnnx(path, {});
  llvm::sys::fs::remove(path);
  if (!result)
    return "error: " + llvm::toString(result.takeError());
  return result->source;
}

onnx::TensorProto ints(const std::string &name, std::vector<int64_t> v) {
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(onnx::TensorProto::INT64);
  t.add_dims(int64_t(v.size()));
  for (int64_t x : v)
    t.add_int64_data(x);
  return t;
}

/// A constant sliced backwards with step -2 is folded: `y = x + c[4:0:-2]`
/// stores c[4], c[2] as the parameter the sum reads.
TEST(Import, SliceOfAConstantFolds) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(17);
  auto *g = m.mutable_graph();
  g->set_name("g");
  *g->add_input() = tensorInfo("x", {1, 2});
  *g->add_output() = tensorInfo("y", {1, 2});
  *g->add_initializer() = floats("c", {6});
  *g->add_initializer() = ints("starts", {4});
  *g->add_initializer() = ints("ends", {0});
  *g->add_initializer() = ints("axes", {0});
  *g->add_initializer() = ints("steps", {-2});
  auto *s = g->add_node();
  s->set_op_type("Slice");
  s->set_name("slice");
  for (const char *in : {"c", "starts", "ends", "axes", "steps"})
    s->add_input(in);
  s->add_output("cs");
  auto *add = g->add_node();
  add->set_op_type("Add");
  add->set_name("add");
  add->add_input("x");
  add->add_input("cs");
  add->add_output("y");
  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("slice", "onnx", path));
  {
    std::string bytes;
    m.SerializeToString(&bytes);
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    os << bytes;
  }
  auto result = importOnnx(path, {});
  llvm::sys::fs::remove(path);
  ASSERT_TRUE(bool(result)) << llvm::toString(result.takeError());
  EXPECT_NE(result->source.find("param cs: f32[2] = zeros\n  y = x + cs\n"),
            std::string::npos)
      << result->source;
  const deepc::Tensor *t = result->weights.find("cs");
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->shape, std::vector<int64_t>({2}));
  // floats() fills 0.25 * (k % 7): c[4] = 1.0, c[2] = 0.5.
  EXPECT_EQ(t->data<float>()[0], 1.0f);
  EXPECT_EQ(t->data<float>()[1], 0.5f);
}

TEST(Import, SymmetricPadsImport) {
  std::string text = importConv({1, 1, 1, 1});
  EXPECT_NE(text.find("w = conv2d(x, 3, 3, padding = 1)"), std::string::npos)
      << text;
  EXPECT_NE(text.find("model g(x: f32[N, 2, 5, 5]) -> f32[N, 3, 5, 5]"),
            std::string::npos)
      << text;
}

/// The language's conv2d pads symmetrically: zeros are concatenated first.
TEST(Import, AsymmetricPadsAreZerosAround) {
  std::string text = importConv({0, 0, 2, 2});
  EXPECT_NE(text.find("x_padh = concat(x, x[:, :, 0:2, :] * 0, axis = 2)\n"
                      "  x_padh_padw = concat(x_padh, x_padh[:, :, :, 0:2] * "
                      "0, axis = 3)\n  w = conv2d(x_padh_padw, 3, 3)\n"),
            std::string::npos)
      << text;
}

TEST(Import, UnsupportedAttributeValueNamesTheNode) {
  std::string text = importConv({}, false, "SAME_UPPER");
  EXPECT_NE(text.find("cannot import:\n  node 'the_conv' (Conv, opset 17): "
                      "auto_pad SAME_UPPER is not supported"),
            std::string::npos)
      << text;
}

/// ONNX 1.12's checker accepts a graph output that no node computes, and its
/// version converter then dereferences null: the importer refuses it first.
TEST(Import, UncomputedOutputIsAnError) {
  std::string text = importConv({1, 1, 1, 1}, /*dropOutput=*/true);
  EXPECT_NE(text.find("the graph output 'nowhere' is not computed by any node"),
            std::string::npos)
      << text;
}

} // namespace
