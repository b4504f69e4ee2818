//===- ConvertTest.cpp - Fitting loaded data to model inputs --------------===//
#include "runtime/Convert.h"

#include "TestUtil.h"

#include <cmath>
#include <limits>

using namespace deepc;
using namespace deepc::test;

namespace {

const char *file = "data.npy";

TEST(Convert, U8ImagesToF32AreScaledAndReshaped) {
  Tensor imgs =
      makeTensor<uint8_t>(DType::U8, {2, 2, 2}, {0, 255, 51, 102, 1, 2, 3, 4});
  auto t = convertForInput(imgs, file, DType::F32, {4});
  ASSERT_TRUE(bool(t)) << errorOf(std::move(t));
  EXPECT_EQ(t->dtype, DType::F32);
  EXPECT_EQ(t->shape, (std::vector<int64_t>{2, 4}));
  std::vector<float> v = values<float>(*t);
  EXPECT_EQ(v[0], 0.0f);
  EXPECT_EQ(v[1], 1.0f);
  EXPECT_FLOAT_EQ(v[2], 0.2f);
  EXPECT_FLOAT_EQ(v[3], 0.4f);
  EXPECT_FLOAT_EQ(v[7], 4.0f / 255.0f);
  // [N, 784] rows reshaped to [1, 28, 28] samples.
  auto r = convertForInput(Tensor(DType::U8, {3, 784}), file, DType::F32,
                           {1, 28, 28});
  ASSERT_TRUE(bool(r)) << errorOf(std::move(r));
  EXPECT_EQ(r->shape, (std::vector<int64_t>{3, 1, 28, 28}));
}

TEST(Convert, NumbersToFloat) {
  auto f = convertForInput(makeTensor<double>(DType::F64, {2}, {0.5, -1e10}),
                           file, DType::F32, {});
  ASSERT_TRUE(bool(f)) << errorOf(std::move(f));
  EXPECT_EQ(values<float>(*f), (std::vector<float>{0.5f, -1e10f}));
  auto i = convertForInput(makeTensor<int64_t>(DType::I64, {2, 1}, {-3, 7}),
                           file, DType::F32, {1});
  ASSERT_TRUE(bool(i)) << errorOf(std::move(i));
  EXPECT_EQ(values<float>(*i), (std::vector<float>{-3, 7}));
  auto b = convertForInput(makeTensor<uint8_t>(DType::Bool, {3}, {1, 0, 1}),
                           file, DType::F64, {});
  ASSERT_TRUE(bool(b)) << errorOf(std::move(b));
  EXPECT_EQ(values<double>(*b), (std::vector<double>{1, 0, 1}));
  // F32 to BF16 rounds to nearest even: 1 + 2^-8 is a tie, goes to 1.
  auto h = convertForInput(
      makeTensor<float>(DType::F32, {3}, {1.0f, 1.0f + 0x1p-8f, -2.0f}), file,
      DType::BF16, {});
  ASSERT_TRUE(bool(h)) << errorOf(std::move(h));
  EXPECT_EQ(values<uint16_t>(*h),
            (std::vector<uint16_t>{0x3f80, 0x3f80, 0xc000}));
}

// convertFloat: how bf16 parameters are initialised and loaded from F32.
TEST(Convert, FloatToFloat) {
  // 1 + 3 * 2^-8 is a tie between 1 + 2^-7 and 1 + 2^-6: even wins (up);
  // 1 + 2^-8 + 2^-20 is past the tie: up; a NaN stays a NaN.
  Tensor f32 = makeTensor<float>(
      DType::F32, {4},
      {1.0f + 0x3p-8f, 1.0f + 0x1p-8f + 0x1p-20f, -0.0f, std::nanf("")});
  Tensor h = convertFloat(f32, DType::BF16);
  EXPECT_EQ(h.dtype, DType::BF16);
  EXPECT_EQ(h.shape, f32.shape);
  std::vector<uint16_t> bits = values<uint16_t>(h);
  EXPECT_EQ(bits[0], 0x3f82);
  EXPECT_EQ(bits[1], 0x3f81);
  EXPECT_EQ(bits[2], 0x8000);
  EXPECT_EQ(bits[3] & 0x7f80, 0x7f80);
  EXPECT_NE(bits[3] & 0x7f, 0);
  // Back to F32: exact.
  Tensor back = convertFloat(h, DType::F32);
  EXPECT_EQ(values<float>(back)[0], 1.0f + 0x1p-6f);
  EXPECT_EQ(values<float>(back)[1], 1.0f + 0x1p-7f);
  EXPECT_TRUE(std::isnan(values<float>(back)[3]));
}

TEST(Convert, IntegersToIntegers) {
  auto t = convertForInput(makeTensor<int64_t>(DType::I64, {3}, {0, -5, 9}),
                           file, DType::I32, {});
  ASSERT_TRUE(bool(t)) << errorOf(std::move(t));
  EXPECT_EQ(t->dtype, DType::I32);
  EXPECT_EQ(values<int32_t>(*t), (std::vector<int32_t>{0, -5, 9}));
  auto u = convertForInput(makeTensor<uint8_t>(DType::U8, {2}, {200, 3}), file,
                           DType::I64, {});
  ASSERT_TRUE(bool(u)) << errorOf(std::move(u));
  EXPECT_EQ(values<int64_t>(*u), (std::vector<int64_t>{200, 3}));
  auto same = convertForInput(makeTensor<int32_t>(DType::I32, {2}, {4, 5}),
                              file, DType::I32, {1});
  ASSERT_TRUE(bool(same)) << errorOf(std::move(same));
  EXPECT_EQ(same->shape, (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(values<int32_t>(*same), (std::vector<int32_t>{4, 5}));

  EXPECT_EQ(errorOf(convertForInput(
                makeTensor<int64_t>(DType::I64, {3}, {1, 1LL << 40, -1}), file,
                DType::I32, {})),
            "data.npy: value 1099511627776 at flat index 1 does not fit the "
            "input's type I32");
  EXPECT_EQ(
      errorOf(convertForInput(makeTensor<int32_t>(DType::I32, {2}, {3, -1}),
                              file, DType::U8, {})),
      "data.npy: value -1 at flat index 1 does not fit the input's type "
      "U8");
}

TEST(Convert, WholeFloatsToIntegers) {
  // A label column of a CSV file with real features reads as F32.
  auto t = convertForInput(
      makeTensor<float>(DType::F32, {4}, {0.0f, 2.0f, -1.0f, 1e6f}), file,
      DType::I32, {});
  ASSERT_TRUE(bool(t)) << errorOf(t.takeError());
  EXPECT_EQ(values<int32_t>(*t), (std::vector<int32_t>{0, 2, -1, 1000000}));
  auto u = convertForInput(makeTensor<double>(DType::F64, {2}, {255.0, 0.0}),
                           file, DType::U8, {});
  ASSERT_TRUE(bool(u)) << errorOf(u.takeError());
  EXPECT_EQ(values<uint8_t>(*u), (std::vector<uint8_t>{255, 0}));
  EXPECT_EQ(errorOf(convertForInput(
                makeTensor<float>(DType::F32, {3}, {1, 2.5f, 3}), file,
                DType::I64, {})),
            "data.npy: F32 data bound to a I64 input must hold whole numbers "
            "that fit; value 2.5 at flat index 1 does not");
  EXPECT_EQ(errorOf(convertForInput(
                makeTensor<double>(DType::F64, {2}, {1, 2147483648.0}), file,
                DType::I32, {})),
            "data.npy: F64 data bound to a I32 input must hold whole numbers "
            "that fit; value 2147483648 at flat index 1 does not");
  EXPECT_EQ(errorOf(convertForInput(
                makeTensor<double>(DType::F64, {1}, {9223372036854775808.0}),
                file, DType::I64, {})),
            "data.npy: F64 data bound to a I64 input must hold whole numbers "
            "that fit; value 9.223372037e+18 at flat index 0 does not");
}

TEST(Convert, Errors) {
  EXPECT_EQ(errorOf(convertForInput(makeTensor<float>(DType::F32, {2}, {1, 2}),
                                    file, DType::Bool, {})),
            "data.npy: F32 data cannot be bound to a BOOL input");
  EXPECT_EQ(errorOf(convertForInput(Tensor(DType::U8, {5, 3, 3}), file,
                                    DType::F32, {784})),
            "data.npy: a sample of shape [3, 3] (9 elements) does not fit the "
            "input's shape [784] (784 elements)");
  EXPECT_EQ(errorOf(convertForInput(makeTensor<float>(DType::F32, {}, {1}),
                                    file, DType::F32, {})),
            "data.npy: the data is a scalar: it has no sample dimension");
  float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(errorOf(convertForInput(
                makeTensor<float>(DType::F32, {2, 2}, {1, 2, nan, 4}), file,
                DType::F32, {2})),
            "data.npy: NaN in the data at flat index 2");
  double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(
      errorOf(convertForInput(makeTensor<double>(DType::F64, {2}, {-inf, 0}),
                              file, DType::F32, {})),
      "data.npy: Inf in the data at flat index 0");
  EXPECT_EQ(
      errorOf(convertForInput(makeTensor<double>(DType::F64, {2}, {0, 1e39}),
                              file, DType::F32, {})),
      "data.npy: the value at flat index 1 is out of the F32 range");
  EXPECT_EQ(errorOf(convertForInput(makeTensor<uint8_t>(DType::U8, {1}, {1}),
                                    file, DType::Bool, {})),
            "data.npy: U8 data cannot be bound to a BOOL input");
  Tensor broken(DType::F32, {4});
  broken.bytes.resize(3);
  EXPECT_EQ(errorOf(convertForInput(broken, file, DType::F32, {})),
            "data.npy: malformed F32 tensor of shape [4]");
}

} // namespace
