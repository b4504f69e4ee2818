//===- AST.cpp - Helpers of the abstract syntax tree ----------------------===//

#include "frontend/AST.h"

using namespace deepc::ast;

#include <cstdio>
#include <cstdlib>

std::string deepc::ast::formatNumber(double v) {
  char buf[32];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v)
      break;
  }
  return buf;
}

llvm::StringRef deepc::ast::elemTypeName(ElemType t) {
  switch (t) {
  case ElemType::F32:
    return "f32";
  case ElemType::BF16:
    return "bf16";
  case ElemType::I32:
    return "i32";
  case ElemType::I64:
    return "i64";
  case ElemType::Bool:
    return "bool";
  }
  return "?";
}

bool deepc::ast::isFloat(ElemType t) {
  return t == ElemType::F32 || t == ElemType::BF16;
}

ElemType deepc::ast::computeType(ElemType t) {
  return t == ElemType::BF16 ? ElemType::F32 : t;
}

bool deepc::ast::isInteger(ElemType t) {
  return t == ElemType::I32 || t == ElemType::I64;
}

std::string Type::str() const {
  switch (kind) {
  case ValueKind::Invalid:
    return "<invalid>";
  case ValueKind::Model:
    return "model";
  case ValueKind::Optimizer:
    return "optimizer";
  case ValueKind::Schedule:
    return "schedule";
  case ValueKind::Init:
    return "init";
  case ValueKind::Tensor:
    break;
  }
  std::string s = elemTypeName(elem).str();
  if (dims.empty())
    return s;
  s += '[';
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i)
      s += ", ";
    if (dims[i].isStatic())
      s += std::to_string(dims[i].size);
    else if (dims[i].isNamed())
      s += dims[i].name;
    else
      s += '?';
  }
  s += ']';
  return s;
}

llvm::StringRef deepc::ast::binaryOpSpelling(BinaryOp op) {
  switch (op) {
  case BinaryOp::Add:
    return "+";
  case BinaryOp::Sub:
    return "-";
  case BinaryOp::Mul:
    return "*";
  case BinaryOp::Div:
    return "/";
  case BinaryOp::MatMul:
    return "@";
  case BinaryOp::Lt:
    return "<";
  case BinaryOp::Le:
    return "<=";
  case BinaryOp::Gt:
    return ">";
  case BinaryOp::Ge:
    return ">=";
  case BinaryOp::Eq:
    return "==";
  case BinaryOp::Ne:
    return "!=";
  }
  return "?";
}

const BindingStmt *TrainDecl::setting(llvm::StringRef key) const {
  for (const auto &s : settings)
    if (s->name == key)
      return s.get();
  return nullptr;
}

const ModelDecl *Program::findModel(llvm::StringRef name) const {
  for (const auto &m : models)
    if (m->name == name)
      return m.get();
  return nullptr;
}
