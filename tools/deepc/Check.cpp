//===- Check.cpp - deepc check --------------------------------------------===//
#include "tools/deepc/Driver.h"
#include "tools/deepc/Subcommands.h"

namespace cl = llvm::cl;

namespace deepc::driver {

cl::SubCommand checkCommand("check",
                            "Parse and type-check a .nn file; exit 0 or 1");

static cl::opt<std::string> input(cl::Positional, cl::Required,
                                  cl::desc("<file.nn>"), cl::sub(checkCommand),
                                  cl::cat(deepcCategory));

int runCheck() { return loadAndCheck(input) ? 0 : 1; }

} // namespace deepc::driver
