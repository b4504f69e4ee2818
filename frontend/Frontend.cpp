//===- Frontend.cpp - The frontend's entry points -------------------------===//

#include "frontend/Frontend.h"
#include "frontend/Parser.h"
#include "frontend/Sema.h"

using namespace deepc;

std::unique_ptr<ast::Program> deepc::parseAndCheck(llvm::SourceMgr &sm) {
  Diagnostics diags(sm);
  const llvm::MemoryBuffer *buffer = sm.getMemoryBuffer(sm.getMainFileID());
  Parser parser(diags, buffer->getBuffer(), buffer->getBufferIdentifier());
  std::unique_ptr<ast::Program> program = parser.parseProgram();
  if (!program)
    return nullptr;
  Sema sema(diags, *program);
  if (!sema.run())
    return nullptr;
  return program;
}
