//===- Subcommands.h - deepc's subcommands ----------------------*- C++ -*-===//
#ifndef DEEPC_TOOLS_DEEPC_SUBCOMMANDS_H
#define DEEPC_TOOLS_DEEPC_SUBCOMMANDS_H

#include "llvm/Support/CommandLine.h"

namespace deepc::driver {
extern llvm::cl::SubCommand checkCommand;
extern llvm::cl::SubCommand compileCommand;
extern llvm::cl::SubCommand predictCommand;
extern llvm::cl::SubCommand trainCommand;
extern llvm::cl::SubCommand evalCommand;
extern llvm::cl::SubCommand gradcheckCommand;
extern llvm::cl::SubCommand benchCommand;
extern llvm::cl::SubCommand importCommand;
} // namespace deepc::driver

#endif // DEEPC_TOOLS_DEEPC_SUBCOMMANDS_H
