//===- Parser.h - Recursive-descent parser of .nn files ---------*- C++ -*-===//
//
// Builds the AST of one buffer. Syntax errors are reported through the
// Diagnostics and the parser resynchronizes at the next statement or
// declaration, so independent mistakes are all reported. Nesting is limited
// (kMaxDepth) so that no input can overflow the stack of the parser or of
// the passes that walk the tree after it.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_FRONTEND_PARSER_H
#define DEEPC_FRONTEND_PARSER_H

#include "frontend/AST.h"
#include "frontend/Diagnostics.h"
#include "frontend/Lexer.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringSwitch.h"

namespace deepc {

class Parser {
public:
  /// Deepest nesting of brackets, parentheses and unary operators, and the
  /// deepest expression tree (a long chain `a + b + c ...` nests too).
  static constexpr unsigned kMaxDepth = 256;
  static constexpr unsigned kMaxTreeDepth = 1024;

  Parser(Diagnostics &diags, llvm::StringRef buffer, llvm::StringRef fileName);

  /// Parses the whole buffer; returns null if there was a syntax error.
  std::unique_ptr<ast::Program> parseProgram();

private:
  // Tokens.
  void consume();
  bool consumeIf(Token::Kind kind);
  bool expect(Token::Kind kind, llvm::StringRef context);
  void errorAtToken(const llvm::Twine &expected);
  void skipToStatement();
  bool endOfStatement();
  void skipToDeclaration();
  llvm::SMRange rangeFrom(llvm::SMLoc start) const;

  // Declarations.
  std::unique_ptr<ast::ModelDecl> parseModel();
  std::unique_ptr<ast::TrainDecl> parseTrain();
  bool parseInputs(std::vector<ast::InputDecl> &inputs);
  bool parseType(ast::TypeSpec &spec);
  ast::StmtPtr parseStatement();

  // Expressions.
  ast::ExprPtr parseExpr();
  ast::ExprPtr parseComparison();
  ast::ExprPtr parseAdditive();
  ast::ExprPtr parseMultiplicative();
  ast::ExprPtr parseUnary();
  ast::ExprPtr parsePostfix();
  ast::ExprPtr parsePrimary();
  ast::ExprPtr parsePrimaryImpl();
  ast::ExprPtr parseNumber();
  ast::ExprPtr parseCall(Token name);
  ast::ExprPtr parseParenOrTuple();
  ast::ExprPtr parseList();
  bool parseSubscript(ast::Subscript &sub);
  ast::ExprPtr makeBinary(llvm::SMRange opRange, ast::BinaryOp op,
                          ast::ExprPtr lhs, ast::ExprPtr rhs);
  bool enterNesting();

  Diagnostics &diags;
  Lexer lexer;
  llvm::StringRef source;
  std::string fileName;
  Token tok, peek;
  const char *prevEnd = nullptr; // end of the last consumed token
  unsigned depth = 0;
  llvm::DenseMap<const ast::Expr *, unsigned> treeDepth;
  bool failed = false;
  friend struct NestingGuard;
};

} // namespace deepc

#endif // DEEPC_FRONTEND_PARSER_H
