//===- Parser.cpp - Recursive-descent parser of .nn files -----------------===//
//
// program    ::= (model | train)*
// model      ::= 'model' ident '(' inputs ')' '->' results '{' stmt* '}'
// train      ::= 'train' ident '(' inputs ')' '{' (ident '=' expr)* '}'
// stmt       ::= ident '=' expr | 'param' ident ':' type '=' expr
//              | 'return' expr (',' expr)*
// expr       ::= additive (('<'|'<='|'>'|'>='|'=='|'!=') additive)?
// additive   ::= multiplicative (('+'|'-') multiplicative)*
// multiplicative ::= unary (('*'|'/'|'@') unary)*
// unary      ::= '-' unary | postfix
// postfix    ::= primary ('[' subscript (',' subscript)* ']')*
// primary    ::= number | 'true' | 'false' | ident | ident '(' args ')'
//              | '(' expr ')' | '(' expr ',' ... ')' | '[' exprs ']'
//
//===----------------------------------------------------------------------===//

#include "frontend/Parser.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Casting.h"
#include "llvm/Support/Error.h"

#include <cfloat>
#include <cmath>

using namespace deepc;
using namespace deepc::ast;
using llvm::SMLoc;
using llvm::SMRange;

/// Raises the nesting depth for one recursive step and lowers it again.
namespace deepc {
struct NestingGuard {
  NestingGuard(Parser &p) : p(p) { ++p.depth; }
  ~NestingGuard() { --p.depth; }
  Parser &p;
};
} // namespace deepc

Parser::Parser(Diagnostics &diags, llvm::StringRef buffer,
               llvm::StringRef fileName)
    : diags(diags), lexer(buffer), source(buffer), fileName(fileName.str()) {
  tok = lexer.next();
  peek = lexer.next();
  prevEnd = tok.spelling.data();
}

//===----------------------------------------------------------------------===//
// Tokens and recovery
//===----------------------------------------------------------------------===//

void Parser::consume() {
  prevEnd = tok.spelling.data() + tok.spelling.size();
  tok = peek;
  if (!tok.is(Token::Eof))
    peek = lexer.next();
}

bool Parser::consumeIf(Token::Kind kind) {
  if (!tok.is(kind))
    return false;
  consume();
  return true;
}

SMRange Parser::rangeFrom(SMLoc start) const {
  return {start, SMLoc::getFromPointer(prevEnd)};
}

/// How the current token reads in "found ..." messages.
static std::string describe(const Token &t) {
  llvm::StringRef s = t.spelling;
  bool cut = s.size() > 32;
  std::string text = s.take_front(32).str() + (cut ? "..." : "");
  switch (t.kind) {
  case Token::Identifier:
    return "identifier '" + text + "'";
  case Token::Integer:
  case Token::Float:
    return "number '" + text + "'";
  default:
    return tokenKindName(t.kind).str();
  }
}

void Parser::errorAtToken(const llvm::Twine &expected) {
  failed = true;
  if (tok.is(Token::Error)) {
    llvm::StringRef s = tok.spelling;
    char c = s.empty() ? 0 : s[0];
    if (llvm::isDigit(c) || c == '.') {
      diags.error(tok.getLoc(), "malformed number '" + s.take_front(32) + "'");
      return;
    }
    std::string shown;
    if (llvm::isPrint(c))
      shown = std::string(1, c);
    else
      shown = "\\x" + llvm::utohexstr(static_cast<unsigned char>(c), true, 2);
    diags.error(tok.getLoc(), "invalid character '" + shown + "'");
    return;
  }
  diags.error(tok.getLoc(),
              "expected " + expected + ", found " + describe(tok));
}

bool Parser::expect(Token::Kind kind, llvm::StringRef context) {
  if (consumeIf(kind))
    return true;
  std::string what = tokenKindName(kind).str();
  if (!context.empty())
    what += " " + context.str();
  errorAtToken(what);
  return false;
}

static bool startsStatement(const Token &t) {
  return t.is(Token::Identifier) || t.is(Token::KwParam) ||
         t.is(Token::KwReturn) || t.is(Token::RBrace) || t.is(Token::KwModel) ||
         t.is(Token::KwTrain);
}

void Parser::skipToStatement() {
  // Stop at the first token that begins a line and can begin a statement,
  // or at the end. The callers make sure that this makes progress.
  while (!tok.is(Token::Eof) && !(tok.startsLine && startsStatement(tok)))
    consume();
}

void Parser::skipToDeclaration() {
  while (!tok.is(Token::Eof) && !(tok.startsLine && (tok.is(Token::KwModel) ||
                                                     tok.is(Token::KwTrain))))
    consume();
}

bool Parser::endOfStatement() {
  if (tok.startsLine || tok.is(Token::RBrace) || tok.is(Token::Eof))
    return true;
  errorAtToken("a new line after the statement");
  return false;
}

bool Parser::enterNesting() {
  if (depth < kMaxDepth)
    return true;
  failed = true;
  diags.error(tok.getLoc(), "expression is nested too deeply (more than " +
                                llvm::Twine(kMaxDepth) + " levels)");
  return false;
}

//===----------------------------------------------------------------------===//
// Declarations
//===----------------------------------------------------------------------===//

std::unique_ptr<Program> Parser::parseProgram() {
  auto program = std::make_unique<Program>();
  program->fileName = fileName;
  program->source = source;
  while (!tok.is(Token::Eof) && !diags.tooMany()) {
    if (tok.is(Token::KwModel)) {
      if (auto m = parseModel())
        program->models.push_back(std::move(m));
      continue;
    }
    if (tok.is(Token::KwTrain)) {
      if (auto t = parseTrain())
        program->trains.push_back(std::move(t));
      continue;
    }
    errorAtToken("'model' or 'train'");
    consume();
    skipToDeclaration();
  }
  if (failed)
    return nullptr;
  return program;
}

bool Parser::parseInputs(std::vector<InputDecl> &inputs) {
  if (!expect(Token::LParen, "after the name"))
    return false;
  while (!tok.is(Token::RParen)) {
    InputDecl in;
    SMLoc start = tok.getLoc();
    in.name = tok.spelling.str();
    if (!expect(Token::Identifier, "(an input name)") ||
        !expect(Token::Colon, "after the input name") || !parseType(in.type))
      return false;
    in.range = rangeFrom(start);
    inputs.push_back(std::move(in));
    if (!consumeIf(Token::Comma))
      break;
  }
  return expect(Token::RParen, "after the inputs");
}

bool Parser::parseType(TypeSpec &spec) {
  SMLoc start = tok.getLoc();
  if (!tok.is(Token::Identifier)) {
    errorAtToken("a type (f32, bf16, i32, i64, bool)");
    return false;
  }
  std::optional<ElemType> elem =
      llvm::StringSwitch<std::optional<ElemType>>(tok.spelling)
          .Case("f32", ElemType::F32)
          .Case("bf16", ElemType::BF16)
          .Case("i32", ElemType::I32)
          .Case("i64", ElemType::I64)
          .Case("bool", ElemType::Bool)
          .Default(std::nullopt);
  if (!elem) {
    failed = true;
    diags.error(start, "unknown type '" + tok.spelling.take_front(32) +
                           "' (expected: f32, bf16, i32, i64, bool)");
    return false;
  }
  consume();
  spec.type = Type::tensor(*elem);
  if (consumeIf(Token::LBracket)) {
    while (!tok.is(Token::RBracket)) {
      SMLoc dimLoc = tok.getLoc();
      if (tok.is(Token::Integer)) {
        int64_t size;
        if (tok.spelling.getAsInteger(10, size) || size <= 0) {
          failed = true;
          diags.error(dimLoc, "dimension '" + tok.spelling.take_front(32) +
                                  "' must be a positive integer that fits "
                                  "in 64 bits");
          return false;
        }
        spec.type.dims.push_back(Dim::fixed(size));
      } else if (tok.is(Token::Identifier)) {
        spec.type.dims.push_back(Dim::named(tok.spelling));
      } else {
        errorAtToken("a dimension (an integer or a name)");
        return false;
      }
      spec.dimLocs.push_back(dimLoc);
      consume();
      if (!consumeIf(Token::Comma))
        break;
    }
    if (!expect(Token::RBracket, "after the dimensions"))
      return false;
  }
  spec.range = rangeFrom(start);
  return true;
}

std::unique_ptr<ModelDecl> Parser::parseModel() {
  auto model = std::make_unique<ModelDecl>();
  SMLoc start = tok.getLoc();
  consume(); // 'model'
  model->name = tok.spelling.str();
  model->nameRange = tok.getRange();
  if (!expect(Token::Identifier, "(the model's name)") ||
      !parseInputs(model->inputs) ||
      !expect(Token::Arrow, "and the result types")) {
    skipToDeclaration();
    return nullptr;
  }
  if (consumeIf(Token::LParen)) {
    while (!tok.is(Token::RParen)) {
      TypeSpec t;
      if (!parseType(t)) {
        skipToDeclaration();
        return nullptr;
      }
      model->results.push_back(std::move(t));
      if (!consumeIf(Token::Comma))
        break;
    }
    if (!expect(Token::RParen, "after the result types")) {
      skipToDeclaration();
      return nullptr;
    }
  } else {
    TypeSpec t;
    if (!parseType(t)) {
      skipToDeclaration();
      return nullptr;
    }
    model->results.push_back(std::move(t));
  }
  if (!expect(Token::LBrace, "to open the model's body")) {
    skipToDeclaration();
    return nullptr;
  }
  while (!tok.is(Token::RBrace) && !tok.is(Token::Eof) && !diags.tooMany()) {
    if (tok.is(Token::KwModel) || tok.is(Token::KwTrain))
      break;
    const char *before = tok.spelling.data();
    if (auto s = parseStatement()) {
      model->body.push_back(std::move(s));
      if (endOfStatement())
        continue;
    }
    if (tok.spelling.data() == before)
      consume();
    skipToStatement();
  }
  if (!expect(Token::RBrace, "to close the model's body"))
    return nullptr;
  model->range = rangeFrom(start);
  return model;
}

std::unique_ptr<TrainDecl> Parser::parseTrain() {
  auto train = std::make_unique<TrainDecl>();
  SMLoc start = tok.getLoc();
  consume(); // 'train'
  train->name = tok.spelling.str();
  train->nameRange = tok.getRange();
  if (!expect(Token::Identifier, "(the train block's name)") ||
      !parseInputs(train->inputs) ||
      !expect(Token::LBrace, "to open the train block")) {
    skipToDeclaration();
    return nullptr;
  }
  while (!tok.is(Token::RBrace) && !tok.is(Token::Eof) && !diags.tooMany()) {
    if (tok.is(Token::KwModel) || tok.is(Token::KwTrain))
      break;
    SMLoc sStart = tok.getLoc();
    const char *before = tok.spelling.data();
    Token key = tok;
    ExprPtr value;
    if (expect(Token::Identifier, "(a setting such as 'loss')") &&
        expect(Token::Equal, "after the setting's name"))
      value = parseExpr();
    if (value) {
      train->settings.push_back(std::make_unique<BindingStmt>(
          rangeFrom(sStart), key.spelling, std::move(value)));
      if (endOfStatement())
        continue;
    }
    if (tok.spelling.data() == before)
      consume();
    skipToStatement();
  }
  if (!expect(Token::RBrace, "to close the train block"))
    return nullptr;
  train->range = rangeFrom(start);
  return train;
}

StmtPtr Parser::parseStatement() {
  SMLoc start = tok.getLoc();
  if (consumeIf(Token::KwReturn)) {
    std::vector<ExprPtr> values;
    do {
      ExprPtr e = parseExpr();
      if (!e)
        return nullptr;
      values.push_back(std::move(e));
    } while (consumeIf(Token::Comma));
    auto ret = std::make_unique<ReturnStmt>(rangeFrom(start));
    ret->values = std::move(values);
    return ret;
  }
  if (consumeIf(Token::KwParam)) {
    Token name = tok;
    TypeSpec type;
    if (!expect(Token::Identifier, "(the parameter's name)") ||
        !expect(Token::Colon, "after the parameter's name") ||
        !parseType(type) ||
        !expect(Token::Equal, "and an initializer (e.g. '= zeros')"))
      return nullptr;
    ExprPtr init = parseExpr();
    if (!init)
      return nullptr;
    auto p = std::make_unique<ParamStmt>(rangeFrom(start), name.spelling,
                                         std::move(type), std::move(init));
    p->nameRange = name.getRange();
    return p;
  }
  Token name = tok;
  if (!tok.is(Token::Identifier)) {
    errorAtToken("a statement ('name = ...', 'param' or 'return')");
    return nullptr;
  }
  consume();
  if (!expect(Token::Equal, "after '" + name.spelling.take_front(32).str() +
                                "' (a binding is 'name = expression')"))
    return nullptr;
  ExprPtr value = parseExpr();
  if (!value)
    return nullptr;
  return std::make_unique<BindingStmt>(rangeFrom(start), name.spelling,
                                       std::move(value));
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

ExprPtr Parser::makeBinary(SMRange opRange, BinaryOp op, ExprPtr lhs,
                           ExprPtr rhs) {
  unsigned d =
      std::max(treeDepth.lookup(lhs.get()), treeDepth.lookup(rhs.get())) + 1;
  if (d > kMaxTreeDepth) {
    failed = true;
    diags.error(opRange.Start, "expression is nested too deeply (more than " +
                                   llvm::Twine(kMaxTreeDepth) +
                                   " operators deep)");
    return nullptr;
  }
  auto e =
      std::make_unique<BinaryExpr>(opRange, op, std::move(lhs), std::move(rhs));
  treeDepth[e.get()] = d;
  return e;
}

ExprPtr Parser::parseExpr() { return parseComparison(); }

static std::optional<BinaryOp> comparisonOp(Token::Kind k) {
  switch (k) {
  case Token::Less:
    return BinaryOp::Lt;
  case Token::LessEqual:
    return BinaryOp::Le;
  case Token::Greater:
    return BinaryOp::Gt;
  case Token::GreaterEqual:
    return BinaryOp::Ge;
  case Token::EqualEqual:
    return BinaryOp::Eq;
  case Token::NotEqual:
    return BinaryOp::Ne;
  default:
    return std::nullopt;
  }
}

ExprPtr Parser::parseComparison() {
  ExprPtr lhs = parseAdditive();
  if (!lhs)
    return nullptr;
  std::optional<BinaryOp> op = comparisonOp(tok.kind);
  if (!op)
    return lhs;
  SMRange opRange = tok.getRange();
  consume();
  ExprPtr rhs = parseAdditive();
  if (!rhs)
    return nullptr;
  if (comparisonOp(tok.kind)) {
    failed = true;
    diags.error(tok.getLoc(), "comparisons cannot be chained; use "
                              "parentheses");
    return nullptr;
  }
  return makeBinary(opRange, *op, std::move(lhs), std::move(rhs));
}

ExprPtr Parser::parseAdditive() {
  ExprPtr lhs = parseMultiplicative();
  while (lhs && (tok.is(Token::Plus) || tok.is(Token::Minus))) {
    BinaryOp op = tok.is(Token::Plus) ? BinaryOp::Add : BinaryOp::Sub;
    SMRange opRange = tok.getRange();
    consume();
    ExprPtr rhs = parseMultiplicative();
    if (!rhs)
      return nullptr;
    lhs = makeBinary(opRange, op, std::move(lhs), std::move(rhs));
  }
  return lhs;
}

ExprPtr Parser::parseMultiplicative() {
  ExprPtr lhs = parseUnary();
  while (lhs &&
         (tok.is(Token::Star) || tok.is(Token::Slash) || tok.is(Token::At))) {
    BinaryOp op = tok.is(Token::Star)    ? BinaryOp::Mul
                  : tok.is(Token::Slash) ? BinaryOp::Div
                                         : BinaryOp::MatMul;
    SMRange opRange = tok.getRange();
    consume();
    ExprPtr rhs = parseUnary();
    if (!rhs)
      return nullptr;
    lhs = makeBinary(opRange, op, std::move(lhs), std::move(rhs));
  }
  return lhs;
}

ExprPtr Parser::parseUnary() {
  if (!tok.is(Token::Minus))
    return parsePostfix();
  if (!enterNesting())
    return nullptr;
  NestingGuard guard(*this);
  SMLoc start = tok.getLoc();
  consume();
  ExprPtr operand = parseUnary();
  if (!operand)
    return nullptr;
  unsigned d = treeDepth.lookup(operand.get()) + 1;
  auto e = std::make_unique<UnaryExpr>(rangeFrom(start), std::move(operand));
  treeDepth[e.get()] = d;
  return e;
}

ExprPtr Parser::parsePostfix() {
  ExprPtr e = parsePrimary();
  while (e && tok.is(Token::LBracket)) {
    if (!enterNesting())
      return nullptr;
    NestingGuard guard(*this);
    SMLoc start = tok.getLoc();
    consume();
    unsigned d = treeDepth.lookup(e.get());
    std::vector<Subscript> subscripts;
    do {
      Subscript sub;
      if (!parseSubscript(sub))
        return nullptr;
      for (Expr *part : {sub.index.get(), sub.lo.get(), sub.hi.get()})
        if (part)
          d = std::max(d, treeDepth.lookup(part));
      subscripts.push_back(std::move(sub));
    } while (consumeIf(Token::Comma));
    if (!expect(Token::RBracket, "after the subscripts"))
      return nullptr;
    auto index = std::make_unique<IndexExpr>(rangeFrom(start), std::move(e));
    index->subscripts = std::move(subscripts);
    treeDepth[index.get()] = d + 1;
    e = std::move(index);
  }
  return e;
}

bool Parser::parseSubscript(Subscript &sub) {
  SMLoc start = tok.getLoc();
  if (!tok.is(Token::Colon)) {
    sub.index = parseExpr();
    if (!sub.index)
      return false;
  }
  if (consumeIf(Token::Colon)) {
    sub.isSlice = true;
    sub.lo = std::move(sub.index);
    if (!tok.is(Token::Comma) && !tok.is(Token::RBracket)) {
      sub.hi = parseExpr();
      if (!sub.hi)
        return false;
    }
  }
  sub.range = rangeFrom(start);
  return true;
}

ExprPtr Parser::parsePrimary() {
  ExprPtr e = parsePrimaryImpl();
  // Leaves start at depth 0; this also overwrites any stale entry left by a
  // freed node at the same address.
  if (e && (llvm::isa<NameExpr>(e.get()) || llvm::isa<NumberExpr>(e.get()) ||
            llvm::isa<BoolExpr>(e.get())))
    treeDepth[e.get()] = 0;
  return e;
}

ExprPtr Parser::parsePrimaryImpl() {
  SMLoc start = tok.getLoc();
  // `a = x +` followed by `b = ...` on the next line: the expression is
  // incomplete, and the next statement must not be swallowed.
  if (tok.startsLine && tok.is(Token::Identifier) && peek.is(Token::Equal)) {
    failed = true;
    diags.error(SMLoc::getFromPointer(prevEnd),
                "incomplete expression: expected an operand before the end "
                "of the line");
    return nullptr;
  }
  switch (tok.kind) {
  case Token::Integer:
  case Token::Float:
    return parseNumber();
  case Token::KwTrue:
  case Token::KwFalse: {
    bool v = tok.is(Token::KwTrue);
    consume();
    return std::make_unique<BoolExpr>(rangeFrom(start), v);
  }
  case Token::Identifier: {
    Token name = tok;
    consume();
    if (tok.is(Token::LParen))
      return parseCall(name);
    return std::make_unique<NameExpr>(name.getRange(), name.spelling);
  }
  case Token::LParen:
    return parseParenOrTuple();
  case Token::LBracket:
    return parseList();
  default:
    errorAtToken("an expression");
    return nullptr;
  }
}

ExprPtr Parser::parseNumber() {
  Token t = tok;
  consume();
  llvm::StringRef s = t.spelling;
  if (s.size() > 400) {
    failed = true;
    diags.error(t.getLoc(), "number literal is too long");
    return nullptr;
  }
  if (t.is(Token::Integer)) {
    int64_t v;
    if (s.getAsInteger(10, v)) {
      failed = true;
      diags.error(t.getLoc(),
                  "integer '" + s.take_front(32) + "' does not fit in 64 bits");
      return nullptr;
    }
    return std::make_unique<NumberExpr>(t.getRange(), true, v,
                                        static_cast<double>(v));
  }
  llvm::APFloat f(llvm::APFloat::IEEEdouble());
  auto status = f.convertFromString(s, llvm::APFloat::rmNearestTiesToEven);
  if (!status || (*status & llvm::APFloat::opOverflow) ||
      std::fabs(f.convertToDouble()) > FLT_MAX) {
    if (!status)
      llvm::consumeError(status.takeError());
    failed = true;
    diags.error(t.getLoc(),
                "number '" + s.take_front(32) + "' is out of range for f32");
    return nullptr;
  }
  return std::make_unique<NumberExpr>(t.getRange(), false, 0,
                                      f.convertToDouble());
}

ExprPtr Parser::parseCall(Token name) {
  if (!enterNesting())
    return nullptr;
  NestingGuard guard(*this);
  std::vector<ExprPtr> args;
  std::vector<KeywordArg> keywords;
  consume(); // '('
  unsigned d = 0;
  while (!tok.is(Token::RParen)) {
    if (tok.is(Token::Identifier) && peek.is(Token::Equal)) {
      KeywordArg kw;
      kw.name = tok.spelling.str();
      kw.range = tok.getRange();
      consume();
      consume(); // '='
      kw.value = parseExpr();
      if (!kw.value)
        return nullptr;
      d = std::max(d, treeDepth.lookup(kw.value.get()));
      keywords.push_back(std::move(kw));
    } else {
      SMLoc argLoc = tok.getLoc();
      ExprPtr arg = parseExpr();
      if (!arg)
        return nullptr;
      if (!keywords.empty()) {
        failed = true;
        diags.error(argLoc, "positional argument after a keyword argument");
        return nullptr;
      }
      d = std::max(d, treeDepth.lookup(arg.get()));
      args.push_back(std::move(arg));
    }
    if (!consumeIf(Token::Comma))
      break;
  }
  if (!expect(Token::RParen, "after the arguments"))
    return nullptr;
  auto call = std::make_unique<CallExpr>(rangeFrom(name.getLoc()),
                                         name.spelling, name.getRange());
  call->args = std::move(args);
  call->keywords = std::move(keywords);
  treeDepth[call.get()] = d + 1;
  return call;
}

ExprPtr Parser::parseParenOrTuple() {
  if (!enterNesting())
    return nullptr;
  NestingGuard guard(*this);
  SMLoc start = tok.getLoc();
  consume(); // '('
  ExprPtr first = parseExpr();
  if (!first)
    return nullptr;
  if (consumeIf(Token::RParen))
    return first;
  if (!tok.is(Token::Comma)) {
    errorAtToken("')' or ','");
    return nullptr;
  }
  std::vector<ExprPtr> elements;
  unsigned d = treeDepth.lookup(first.get());
  elements.push_back(std::move(first));
  while (consumeIf(Token::Comma) && !tok.is(Token::RParen)) {
    ExprPtr e = parseExpr();
    if (!e)
      return nullptr;
    d = std::max(d, treeDepth.lookup(e.get()));
    elements.push_back(std::move(e));
  }
  if (!expect(Token::RParen, "after the tuple"))
    return nullptr;
  auto tuple = std::make_unique<TupleExpr>(rangeFrom(start));
  tuple->elements = std::move(elements);
  treeDepth[tuple.get()] = d + 1;
  return tuple;
}

ExprPtr Parser::parseList() {
  if (!enterNesting())
    return nullptr;
  NestingGuard guard(*this);
  SMLoc start = tok.getLoc();
  consume(); // '['
  std::vector<ExprPtr> elements;
  unsigned d = 0;
  while (!tok.is(Token::RBracket)) {
    ExprPtr e = parseExpr();
    if (!e)
      return nullptr;
    d = std::max(d, treeDepth.lookup(e.get()));
    elements.push_back(std::move(e));
    if (!consumeIf(Token::Comma))
      break;
  }
  if (!expect(Token::RBracket, "after the list"))
    return nullptr;
  auto list = std::make_unique<ListExpr>(rangeFrom(start));
  list->elements = std::move(elements);
  treeDepth[list.get()] = d + 1;
  return list;
}
