//===- Lexer.h - Tokens of .nn files ----------------------------*- C++ -*-===//
//
// Splits a buffer into tokens. Comments run from `#` to the end of the line;
// newlines are not tokens (statements never need them), but each token knows
// whether it starts a line, which the parser uses to recover from errors.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_FRONTEND_LEXER_H
#define DEEPC_FRONTEND_LEXER_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"

namespace deepc {

struct Token {
  enum Kind {
    Eof,
    Error, // a run of characters that start no token
    Identifier,
    Integer,
    Float,
    // keywords
    KwModel,
    KwTrain,
    KwParam,
    KwReturn,
    KwTrue,
    KwFalse,
    // punctuation
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Comma,
    Colon,
    Equal,
    Plus,
    Minus,
    Star,
    Slash,
    At,
    Arrow,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    EqualEqual,
    NotEqual,
  };

  Kind kind = Eof;
  llvm::StringRef spelling;
  bool startsLine = false;

  bool is(Kind k) const { return kind == k; }
  llvm::SMLoc getLoc() const {
    return llvm::SMLoc::getFromPointer(spelling.data());
  }
  llvm::SMLoc getEndLoc() const {
    return llvm::SMLoc::getFromPointer(spelling.data() + spelling.size());
  }
  llvm::SMRange getRange() const { return {getLoc(), getEndLoc()}; }
};

/// How a token kind reads in messages: `'('`, `identifier`, `end of file`.
llvm::StringRef tokenKindName(Token::Kind kind);

class Lexer {
public:
  explicit Lexer(llvm::StringRef buffer)
      : cur(buffer.begin()), end(buffer.end()) {}
  /// Returns the next token; `Eof` forever at the end.
  Token next();

private:
  Token make(Token::Kind kind, const char *start, bool startsLine);
  const char *cur;
  const char *end;
};

} // namespace deepc

#endif // DEEPC_FRONTEND_LEXER_H
