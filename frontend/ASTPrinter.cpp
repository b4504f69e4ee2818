//===- ASTPrinter.cpp - `deepc compile --emit=ast` ------------------------===//
//
// One node per line, children indented by two spaces: the kind, its key
// fields, `: type` where Sema gave one, and `@line:col`:
//
//   Model mlp -> (f32[N, 10]) @1:1
//     Input x : f32[N, 784] @1:11
//     Binding fc1 : f32[N, 128] @2:3
//       Call dense : f32[N, 128] @2:9
//         Name x (input) : f32[N, 784] @2:15
//         Number 128 : i64 @2:18
//         Param fc1.weight = uniform(-0.0357, 0.0357) : f32[128, 784] @2:9
//     ...
//     Params                      (every parameter, in creation order)
//       Param fc1.weight = ...
//
//===----------------------------------------------------------------------===//

#include "frontend/Builtins.h"
#include "frontend/Frontend.h"

#include "llvm/Support/Casting.h"
#include "llvm/Support/SourceMgr.h"

#include <algorithm>

using namespace deepc;
using namespace deepc::ast;

namespace {
class ASTPrinter {
public:
  explicit ASTPrinter(llvm::raw_ostream &os) : os(os) {}
  void print(const Program &p);

private:
  void line(llvm::StringRef text, const Type *type, llvm::SMLoc loc);
  void printExpr(const Expr &e);
  void printStmt(const Stmt &s);
  void printInputs(const std::vector<InputDecl> &inputs);
  void printParams(const std::vector<ParamInfo> &params);

  llvm::raw_ostream &os;
  unsigned indent = 0;
  /// Offsets of the line starts of the source, for `line:col`.
  std::vector<size_t> lineStarts;
  llvm::StringRef source;
};

struct Indent {
  Indent(unsigned &i) : i(i) { i += 2; }
  ~Indent() { i -= 2; }
  unsigned &i;
};
} // namespace

void ASTPrinter::line(llvm::StringRef text, const Type *type, llvm::SMLoc loc) {
  os.indent(indent) << text;
  if (type && type->isValid())
    os << " : " << type->str();
  os << " @";
  const char *p = loc.getPointer();
  if (!p || p < source.begin() || p > source.end()) {
    os << "?\n";
    return;
  }
  size_t offset = p - source.begin();
  size_t line = std::upper_bound(lineStarts.begin(), lineStarts.end(), offset) -
                lineStarts.begin();
  os << line << ":" << offset - lineStarts[line - 1] + 1 << "\n";
}

static std::string initString(const ParamInfo &p) {
  std::string s = getBuiltinInfo(p.init).name;
  if (!p.initArgs.empty()) {
    s += "(";
    for (size_t i = 0; i < p.initArgs.size(); ++i) {
      if (i)
        s += ", ";
      s += formatNumber(p.initArgs[i]);
    }
    s += ")";
  }
  return s;
}

void ASTPrinter::printParams(const std::vector<ParamInfo> &params) {
  for (const ParamInfo &p : params)
    line("Param " + p.name + " = " + initString(p), &p.type, p.loc);
}

void ASTPrinter::printInputs(const std::vector<InputDecl> &inputs) {
  for (const InputDecl &in : inputs)
    line("Input " + in.name, &in.type.type, in.range.Start);
}

void ASTPrinter::print(const Program &program) {
  source = program.source;
  lineStarts.push_back(0);
  for (size_t i = 0; i < source.size(); ++i)
    if (source[i] == '\n')
      lineStarts.push_back(i + 1);
  for (const auto &m : program.models) {
    std::string results;
    for (const TypeSpec &r : m->results)
      results += (results.empty() ? "" : ", ") + r.type.str();
    line("Model " + m->name + " -> (" + results + ")", nullptr, m->range.Start);
    Indent in(indent);
    printInputs(m->inputs);
    for (const auto &s : m->body)
      printStmt(*s);
    if (!m->params.empty()) {
      os.indent(indent) << "Params\n";
      Indent in2(indent);
      printParams(m->params);
    }
  }
  for (const auto &t : program.trains) {
    line("Train " + t->name, nullptr, t->range.Start);
    Indent in(indent);
    printInputs(t->inputs);
    for (const auto &s : t->settings) {
      line("Setting " + s->name, nullptr, s->getLoc());
      Indent in2(indent);
      printExpr(*s->value);
    }
  }
}

void ASTPrinter::printStmt(const Stmt &s) {
  if (auto *b = llvm::dyn_cast<BindingStmt>(&s)) {
    line("Binding " + b->name, &b->value->type, s.getLoc());
    Indent in(indent);
    printExpr(*b->value);
  } else if (auto *p = llvm::dyn_cast<ParamStmt>(&s)) {
    line("ParamDecl " + p->name, &p->type.type, s.getLoc());
    Indent in(indent);
    printExpr(*p->init);
  } else if (auto *r = llvm::dyn_cast<ReturnStmt>(&s)) {
    line("Return", nullptr, s.getLoc());
    Indent in(indent);
    for (const auto &v : r->values)
      printExpr(*v);
  }
}

static llvm::StringRef refName(NameExpr::Ref ref) {
  switch (ref) {
  case NameExpr::Ref::Unresolved:
    return "";
  case NameExpr::Ref::Input:
    return " (input)";
  case NameExpr::Ref::Binding:
    return " (binding)";
  case NameExpr::Ref::Param:
    return " (param)";
  case NameExpr::Ref::Model:
    return " (model)";
  case NameExpr::Ref::Builtin:
    return " (builtin)";
  }
  return "";
}

void ASTPrinter::printExpr(const Expr &e) {
  const Type *t = &e.type;
  if (auto *n = llvm::dyn_cast<NumberExpr>(&e)) {
    line("Number " + (n->isInt ? std::to_string(n->intValue)
                               : formatNumber(n->floatValue)),
         t, e.getLoc());
  } else if (auto *b = llvm::dyn_cast<BoolExpr>(&e)) {
    line(b->value ? "Bool true" : "Bool false", t, e.getLoc());
  } else if (auto *n = llvm::dyn_cast<NameExpr>(&e)) {
    line("Name " + n->name + refName(n->ref).str(), t, e.getLoc());
  } else if (auto *u = llvm::dyn_cast<UnaryExpr>(&e)) {
    line("Unary -", t, e.getLoc());
    Indent in(indent);
    printExpr(*u->operand);
  } else if (auto *b = llvm::dyn_cast<BinaryExpr>(&e)) {
    line("Binary " + binaryOpSpelling(b->op).str(), t, e.getLoc());
    Indent in(indent);
    printExpr(*b->lhs);
    printExpr(*b->rhs);
  } else if (auto *c = llvm::dyn_cast<CallExpr>(&e)) {
    std::string head = "Call " + c->callee;
    if (c->model)
      head += " (model)";
    line(head, t, e.getLoc());
    Indent in(indent);
    for (const auto &a : c->args)
      printExpr(*a);
    for (const auto &kw : c->keywords) {
      line("Keyword " + kw.name, nullptr, kw.range.Start);
      Indent in2(indent);
      printExpr(*kw.value);
    }
    printParams(c->params);
  } else if (auto *l = llvm::dyn_cast<ListExpr>(&e)) {
    line("List", t, e.getLoc());
    Indent in(indent);
    for (const auto &x : l->elements)
      printExpr(*x);
  } else if (auto *tu = llvm::dyn_cast<TupleExpr>(&e)) {
    line("Tuple", t, e.getLoc());
    Indent in(indent);
    for (const auto &x : tu->elements)
      printExpr(*x);
  } else if (auto *ix = llvm::dyn_cast<IndexExpr>(&e)) {
    line("Index", t, e.getLoc());
    Indent in(indent);
    printExpr(*ix->base);
    for (const Subscript &s : ix->subscripts) {
      line(s.isSlice ? "Slice" : "Subscript", nullptr, s.range.Start);
      Indent in2(indent);
      for (const Expr *x : {s.index.get(), s.lo.get(), s.hi.get()})
        if (x)
          printExpr(*x);
    }
  }
}

void deepc::printAST(const Program &program, llvm::raw_ostream &os) {
  ASTPrinter printer(os);
  printer.print(program);
}
