//===- Passes.cpp - Registration of the deepc passes ----------------------===//

#include "passes/Passes.h"

namespace deepc {
namespace {
#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"
} // namespace

void registerPasses() { registerDeepcPasses(); }

} // namespace deepc
