//===- CommNoMPITest.cpp - runtime/Comm.cpp as built without MPI ----------===//
//
// test/unit/CMakeLists.txt compiles runtime/Comm.cpp again without
// DEEPC_HAVE_MPI, as a deepc built where Open MPI is absent has it: asked
// for the MPI backend (deepc train under a launcher), it must say that it
// has no MPI, not crash or train alone.
//
//===----------------------------------------------------------------------===//
#include "runtime/Comm.h"

#include "gtest/gtest.h"

#include <cstdlib>

using namespace deepc;

namespace {

TEST(CommWithoutMPI, SaysSoUnderALauncher) {
  EXPECT_FALSE(haveMPI());
  auto comm = createMPIComm();
  ASSERT_FALSE(bool(comm));
  std::string message = llvm::toString(comm.takeError());
  EXPECT_NE(message.find("built without MPI"), std::string::npos) << message;
  EXPECT_NE(message.find("MPI launcher"), std::string::npos) << message;
}

TEST(CommWithoutMPI, KnowsALauncherByItsEnvironment) {
  for (const char *var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK",
                          "PMI_RANK", "MPI_LOCALNRANKS"})
    unsetenv(var);
  EXPECT_FALSE(underMPILauncher());
  setenv("OMPI_COMM_WORLD_SIZE", "2", 1);
  EXPECT_TRUE(underMPILauncher());
  unsetenv("OMPI_COMM_WORLD_SIZE");
  setenv("PMIX_RANK", "0", 1);
  EXPECT_TRUE(underMPILauncher());
  unsetenv("PMIX_RANK");
}

TEST(CommWithoutMPI, TheLocalBackendStillWorks) {
  auto comm = createLocalComm(2);
  float a[] = {1, 2}, b[] = {3, 4};
  ASSERT_FALSE(bool(comm->sumF32({a, b}, 2)));
  EXPECT_EQ(a[0], 4.0f);
  EXPECT_EQ(a[1], 6.0f);
}

} // namespace
