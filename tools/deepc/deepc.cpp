//===- deepc.cpp - The deepc driver ---------------------------------------===//
//
// One program, one subcommand per user task (SPEC section 2). Each
// subcommand lives in its own file and registers its options on its
// llvm::cl::SubCommand.
//
//===----------------------------------------------------------------------===//
#include "tools/deepc/Driver.h"
#include "tools/deepc/Subcommands.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

using namespace deepc::driver;

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
#ifdef __GLIBC__
  // Compiled steps malloc and free their temporaries (im2col matrices of
  // megabytes) at every call. glibc would hand those back to the kernel
  // (mmap, or trimming the heap) and fault them in again, zeroed, at the
  // next call: in LeNet's step that took more time than the arithmetic.
  // Keep them in the heap instead. glibc caps the mmap threshold at 32 MiB,
  // so buffers from 32 MiB on (a [2048, 4096] f32 tensor) would still be
  // mapped at every call: no mmap at all (glibc still maps when the heap
  // cannot grow). A 32 MiB elementwise chain: 48 ms of CPU a call before,
  // 7 ms after; the MLP's epoch peaks at 430 MB instead of 397.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_MMAP_MAX, 0);
#endif
  // `--target` on the commands that run code: an error, not a flag unknown
  // to them, so that the message says where it belongs. Made here, after
  // the commands (other files' globals) exist.
  static llvm::cl::opt<std::string> jitTarget(
      "target", llvm::cl::Hidden, llvm::cl::init(""),
      llvm::cl::sub(predictCommand), llvm::cl::sub(trainCommand),
      llvm::cl::sub(evalCommand), llvm::cl::sub(gradcheckCommand),
      llvm::cl::sub(benchCommand));
  for (llvm::cl::SubCommand *sub :
       {&llvm::cl::SubCommand::getTopLevel(), &checkCommand, &compileCommand,
        &predictCommand, &trainCommand, &evalCommand, &gradcheckCommand,
        &benchCommand, &importCommand})
    llvm::cl::HideUnrelatedOptions(deepcCategory, *sub);
  if (!llvm::cl::ParseCommandLineOptions(
          argc, argv,
          "deepc: a deep-learning compiler for .nn models\n\n"
          "  deepc check F.nn              parse and type-check\n"
          "  deepc compile F.nn --emit=S   print a stage of the compiler\n"
          "  deepc predict F.nn --data x=P -o out.npy   run a model\n"
          "  deepc train F.nn --data x=P --data y=L     train a model\n"
          "  deepc eval F.nn --weights W --data ...     score a model\n"
          "  deepc gradcheck F.nn          check gradients numerically\n"
          "  deepc bench F.nn              time the compiled forward and "
          "step\n"
          "  deepc import M.onnx -o M.nn   translate an ONNX model\n\n"
          "  deepc COMMAND --help          the options of one command\n",
          &llvm::errs()))
    return 1;
  if (jitTarget.getNumOccurrences())
    return fail("--target '" + jitTarget +
                "': predict, train, eval, gradcheck and bench run the code "
                "on this machine; objects for another one come from deepc "
                "compile -o M.o --target TRIPLE");
  if (checkCommand)
    return runCheck();
  if (compileCommand)
    return runCompile();
  if (predictCommand)
    return runPredict();
  if (trainCommand)
    return runTrain();
  if (evalCommand)
    return runEval();
  if (gradcheckCommand)
    return runGradcheck();
  if (benchCommand)
    return runBench();
  if (importCommand)
    return runImport();
  return fail("no command given; see 'deepc --help'");
}
